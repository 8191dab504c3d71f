//! What a new user trips over (issue 20): missing download folders, the
//! providers `list` skips, request timeouts, media errors naming their
//! host, each command's help, negative counts, the account in `-v` logs.

use std::time::{Duration, Instant};

use vidapi::emulator::{Emulator, Fault, HOURONE_KEY, MediaMode};
use vidapi::{Error, HourOne};

mod common;
use common::{bare, run, vidapi};

const MINIMAX_COMPLETED: &str = "user:user_id-minimax:account-video:video_id_#2";
const PIXVERSE_COMPLETED: &str = "user:<userid>-pixverse:me@example.com-video:1001";

/// The guide's row for an exit code (docs/command-line.md, once README.md's).
fn readme_exit_row(code: u8) -> String {
    include_str!("../../docs/command-line.md")
        .lines()
        .find(|line| line.starts_with(&format!("| {code} |")))
        .unwrap_or_else(|| panic!("docs/command-line.md has no exit-code row for {code}"))
        .to_owned()
}

#[test]
fn a_missing_folder_is_refused_before_any_request_as_the_readme_says() {
    let emulator = Emulator::start().unwrap();
    let cwd = tempfile::tempdir().unwrap();
    // The issue's `-o missingdir/` and the README's `wait … --download videos/`,
    // relative to the current folder, which has neither.
    for args in [
        &[
            "download",
            "pixverse",
            PIXVERSE_COMPLETED,
            "-o",
            "missingdir/",
        ][..],
        &[
            "download",
            "minimax",
            MINIMAX_COMPLETED,
            "-o",
            "missingdir/clip.mp4",
        ],
        &[
            "wait",
            "pixverse",
            PIXVERSE_COMPLETED,
            "--download",
            "videos/",
        ],
        &[
            "wait",
            "minimax",
            MINIMAX_COMPLETED,
            "--timeout",
            "900",
            "--download",
            "videos/",
        ],
    ] {
        let refused = run(vidapi(&emulator).current_dir(cwd.path()), args);
        assert_eq!(refused.code, 2, "{args:?}: {}", refused.stderr);
        assert!(refused.stdout.is_empty(), "{args:?}: {}", refused.stdout);
        let folder = if args.contains(&"videos/") {
            "videos"
        } else {
            "missingdir"
        };
        assert!(
            refused.stderr.contains("does not exist") && refused.stderr.contains(folder),
            "{args:?}: {}",
            refused.stderr
        );
        assert_eq!(refused.stderr.lines().count(), 1, "{}", refused.stderr);
    }
    // No lookup, no wait poll, no media request; nothing was created.
    assert!(
        emulator.requests().is_empty(),
        "{:?}",
        emulator
            .requests()
            .iter()
            .map(|r| &r.path)
            .collect::<Vec<_>>()
    );
    assert_eq!(std::fs::read_dir(cwd.path()).unwrap().count(), 0);
    // The README's exit-code table says the same.
    assert!(
        readme_exit_row(2).contains("download folder that does not exist"),
        "{}",
        readme_exit_row(2)
    );
}

#[test]
fn list_names_the_providers_it_skips_and_the_variable_for_each() {
    let emulator = Emulator::start().unwrap();
    let only_hourone = run(
        bare()
            .env("HOURONE_API_KEY", HOURONE_KEY)
            .env("HOURONE_BASE_URL", emulator.base_url()),
        &["list"],
    );
    assert_eq!(only_hourone.code, 0, "{}", only_hourone.stderr);
    assert!(only_hourone.stdout.contains("hourone")); // as `wait` takes it
    assert!(
        only_hourone.stderr.lines().any(|line| line
            == "vidapi: not listed: MiniMax and PixVerse (set USEAPI_TOKEN), memories.ai \
                (set MEMORIES_API_KEY)"),
        "{}",
        only_hourone.stderr
    );
    // --json: the same line on stderr, stdout stays JSON.
    let json = run(
        bare()
            .env("HOURONE_API_KEY", HOURONE_KEY)
            .env("HOURONE_BASE_URL", emulator.base_url()),
        &["--json", "list"],
    );
    assert_eq!(json.code, 0, "{}", json.stderr);
    assert!(serde_json::from_str::<serde_json::Value>(&json.stdout).is_ok());
    assert!(json.stderr.contains("not listed: MiniMax and PixVerse"));

    let everyone = run(&mut vidapi(&emulator), &["list"]);
    assert_eq!(everyone.code, 0, "{}", everyone.stderr);
    assert!(
        !everyone.stderr.contains("not listed"),
        "{}",
        everyone.stderr
    );
}

#[test]
fn a_request_timeout_ends_a_stalled_call_in_bounded_time() {
    let emulator = Emulator::start().unwrap();
    let hourone_calls = |emulator: &Emulator| {
        emulator
            .requests()
            .iter()
            .filter(|r| r.path == "/videos")
            .count()
    };
    // The flag, then the variable alone: one attempt each (a timeout is not
    // retried), ended long before the 30 s stall.
    for (flag, variable) in [
        (Some("1"), None),
        (None, Some("0.5")),
        (Some("1"), Some("x")),
    ] {
        emulator.reset_records();
        emulator.fail_next(1, Fault::Silence(Duration::from_secs(30)));
        let mut cmd = vidapi(&emulator);
        if let Some(seconds) = variable {
            cmd.env("VIDAPI_REQUEST_TIMEOUT", seconds);
        }
        let mut args = vec!["hourone", "videos"];
        if let Some(seconds) = flag {
            args.extend(["--request-timeout", seconds]);
        }
        let started = Instant::now();
        let stalled = run(&mut cmd, &args);
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(stalled.code, 1, "{args:?} {variable:?}: {}", stalled.stderr);
        assert!(
            stalled.stderr.contains("timed out"),
            "{args:?}: {}",
            stalled.stderr
        );
        assert_eq!(hourone_calls(&emulator), 1);
        emulator.clear_faults();
    }
    // Without a stall the same settings change nothing; the flags go before
    // or after the command.
    let fine = run(
        &mut vidapi(&emulator),
        &[
            "--request-timeout",
            "30",
            "hourone",
            "videos",
            "--connect-timeout",
            "5",
        ],
    );
    assert_eq!(fine.code, 0, "{}", fine.stderr);
}

#[test]
fn bad_timeouts_are_usage_errors_before_any_request() {
    let emulator = Emulator::start().unwrap();
    for args in [
        &["--request-timeout", "0", "hourone", "videos"][..],
        &["--request-timeout", "-1", "hourone", "videos"],
        &["hourone", "videos", "--connect-timeout", "86401"],
        &["--connect-timeout", "soon", "list"],
        &["--request-timeout", "inf", "list"],
    ] {
        let refused = run(&mut vidapi(&emulator), args);
        assert_eq!(refused.code, 2, "{args:?}: {}", refused.stderr);
        assert!(
            refused.stderr.contains("greater than 0 and at most 86400"),
            "{args:?}: {}",
            refused.stderr
        );
    }
    for (variable, value) in [
        ("VIDAPI_REQUEST_TIMEOUT", "0"),
        ("VIDAPI_CONNECT_TIMEOUT", "-3"),
        ("VIDAPI_REQUEST_TIMEOUT", "1e9"),
    ] {
        for args in [&["hourone", "videos"][..], &["list"]] {
            let refused = run(vidapi(&emulator).env(variable, value), args);
            assert_eq!(refused.code, 2, "{variable}={value}: {}", refused.stderr);
            assert!(
                refused.stderr.contains(variable) && refused.stderr.contains("at most 86400"),
                "{}",
                refused.stderr
            );
        }
    }
    assert!(emulator.requests().is_empty());
}

#[test]
fn from_env_reads_the_timeout_variables() {
    let emulator = Emulator::start().unwrap();
    let base = emulator.base_url().to_owned();
    let vars = |timeout: &'static str| {
        let base = base.clone();
        move |name: &str| match name {
            "HOURONE_API_KEY" => Some(HOURONE_KEY.to_owned()),
            "HOURONE_BASE_URL" => Some(base.clone()),
            "VIDAPI_REQUEST_TIMEOUT" => Some(timeout.to_owned()),
            "VIDAPI_CONNECT_TIMEOUT" => Some("2.5".to_owned()),
            _ => None,
        }
    };
    let client = HourOne::from_vars(vars("0.5")).unwrap();
    emulator.fail_next(1, Fault::Silence(Duration::from_secs(30)));
    let started = Instant::now();
    let err = client.videos().unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err}");
    assert!(started.elapsed() < Duration::from_secs(20));
    assert!(client.videos().is_ok(), "the next call is answered");

    for bad in ["0", "-1", "86400.5", "NaN", "ten"] {
        let err = HourOne::from_vars(vars(bad)).unwrap_err();
        assert!(
            matches!(err, Error::InvalidArgument { name, .. } if name == "VIDAPI_REQUEST_TIMEOUT"),
            "{bad}: {err}"
        );
    }
    assert!(vidapi::env::VARIABLES.contains(&"VIDAPI_REQUEST_TIMEOUT"));
    assert!(vidapi::env::VARIABLES.contains(&"VIDAPI_CONNECT_TIMEOUT"));
}

#[test]
fn a_failing_media_download_names_the_media_host() {
    let emulator = Emulator::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let host = emulator.base_url().trim_start_matches("http://").to_owned();
    // Every media answer is cut short: the download gives up, naming where.
    emulator.set_media_mode(MediaMode::CutAfter(1000));
    let out = dir.path().join("clip.mp4");
    let failed = run(
        &mut vidapi(&emulator),
        &[
            "download",
            "pixverse",
            PIXVERSE_COMPLETED,
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(failed.code, 1, "{}", failed.stderr);
    assert!(
        failed.stderr.contains(&format!("media host {host}")),
        "{}",
        failed.stderr
    );
    assert!(!out.exists());
}

#[test]
fn help_keeps_global_options_apart_and_offers_nothing_refused() {
    for args in [
        &["minimax", "videos", "--help"][..],
        &["hourone", "create", "--help"],
        &["wait", "--help"],
    ] {
        let help = run(&mut bare(), args);
        assert_eq!(help.code, 0, "{args:?}");
        let (own, global) = help
            .stdout
            .split_once("Global options:")
            .unwrap_or_else(|| panic!("{args:?}: no heading\n{}", help.stdout));
        // The command's own options (its description may name a global one).
        let own = own.split_once("Options:").expect("an Options heading").1;
        for flag in [
            "--json",
            "--drift",
            "--verbose",
            "--save-bodies",
            "--request-timeout",
            "--connect-timeout",
        ] {
            assert!(global.contains(flag), "{args:?} lacks {flag}");
            assert!(
                !own.contains(flag),
                "{args:?}: {flag} among its own options"
            );
        }
    }
    // `list` and `download` print vidapi's own records with --json, not a
    // payload as sent: their --json is their own, described as such.
    for (command, says) in [("list", "cross-provider records"), ("download", "report")] {
        let help = run(&mut bare(), &[command, "--help"]);
        let (own, global) = help.stdout.split_once("Global options:").unwrap();
        assert!(
            own.contains("--json") && own.contains(says),
            "{}",
            help.stdout
        );
        assert!(!global.contains("--json"), "{}", help.stdout);
        assert!(global.contains("--save-bodies"), "{}", help.stdout);
    }
    let wait = run(&mut bare(), &["wait", "--help"]);
    let (own, _) = wait.stdout.split_once("Global options:").unwrap();
    let own = own.split_once("Options:").unwrap().1;
    assert!(own.contains("--timeout <TIMEOUT>"), "{}", wait.stdout);

    for command in ["demo", "emulator", "completions"] {
        let help = run(&mut bare(), &[command, "--help"]);
        assert_eq!(help.code, 0, "{command}");
        assert!(help.stdout.contains("Global options:"), "{}", help.stdout);
        for refused in ["--json", "--save-bodies"] {
            assert!(
                !help.stdout.contains(refused),
                "{command} offers {refused}:\n{}",
                help.stdout
            );
        }
    }
}

#[test]
fn global_options_go_before_or_after_and_refusals_stay() {
    let emulator = Emulator::start().unwrap();
    let before = run(&mut vidapi(&emulator), &["--json", "minimax", "videos"]);
    let after = run(&mut vidapi(&emulator), &["minimax", "videos", "--json"]);
    assert_eq!(before.code, 0, "{}", before.stderr);
    assert_eq!(before.stdout, after.stdout);
    assert!(serde_json::from_str::<serde_json::Value>(&before.stdout).is_ok());

    for args in [
        &["--json", "demo"][..],
        &["demo", "--json"],
        &["emulator", "--json"],
        &["completions", "bash", "--json"],
        &["--save-bodies", "d", "demo"],
        &["demo", "--save-bodies", "d"],
    ] {
        let refused = run(&mut bare(), args);
        assert_eq!(refused.code, 2, "{args:?}: {}", refused.stderr);
        assert!(refused.stdout.is_empty(), "{args:?}");
        assert!(
            refused.stderr.contains("does not apply"),
            "{args:?}: {}",
            refused.stderr
        );
    }
}

#[test]
fn negative_counts_get_the_range_not_unexpected_argument() {
    let emulator = Emulator::start().unwrap();
    for (args, range) in [
        (&["minimax", "videos", "--limit", "-1"][..], "from 1 to"),
        (&["minimax", "files", "--limit", "-1"], "from 1 to"),
        (&["pixverse", "videos", "--limit", "-1"], "from 1 to"),
        (&["pixverse", "videos", "--offset", "-1"], "0..="),
        (&["memories", "videos", "--page", "-2"], "from 1 to"),
        (&["memories", "videos", "--size", "-1"], "from 1 to"),
        (
            &["wait", "hourone", "x", "--timeout", "-1"],
            "at most 86400",
        ),
        (
            &["wait", "hourone", "x", "--interval", "-0.5"],
            "at most 86400",
        ),
        (
            &["download", "hourone", "x", "--max-bytes", "-1"],
            "from 0 to",
        ),
        (
            &["download", "hourone", "x", "--deadline", "-1"],
            "at most 86400",
        ),
        (&["--request-timeout", "-1", "list"], "at most 86400"),
    ] {
        let refused = run(&mut vidapi(&emulator), args);
        assert_eq!(refused.code, 2, "{args:?}: {}", refused.stderr);
        assert!(
            refused.stderr.contains(range) && !refused.stderr.contains("unexpected argument"),
            "{args:?}: {}",
            refused.stderr
        );
    }
    assert!(emulator.requests().is_empty());
}

#[test]
fn verbose_logs_never_show_the_account_in_a_path() {
    let emulator = Emulator::start().unwrap();
    let shown = run(
        &mut vidapi(&emulator),
        &["-v", "minimax", "video", MINIMAX_COMPLETED],
    );
    assert_eq!(shown.code, 0, "{}", shown.stderr);
    let attempt = shown
        .stderr
        .lines()
        .find(|line| line.contains("path=/v1/minimax/videos/"))
        .unwrap_or_else(|| panic!("no attempt logged: {}", shown.stderr));
    assert!(
        attempt.contains("path=/v1/minimax/videos/[redacted]"),
        "{attempt}"
    );
    for part in [
        "minimax:account",
        "minimax%3Aaccount",
        "account-video",
        "user_id",
    ] {
        assert!(!shown.stderr.contains(part), "{part} in {}", shown.stderr);
    }
    let pixverse = run(
        &mut vidapi(&emulator),
        &["-v", "pixverse", "video", PIXVERSE_COMPLETED],
    );
    assert_eq!(pixverse.code, 0, "{}", pixverse.stderr);
    assert!(
        !pixverse.stderr.contains("example.com"),
        "{}",
        pixverse.stderr
    );
}

#[test]
fn drift_on_an_empty_array_says_it_is_not_a_page() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("empty.json");
    std::fs::write(&file, "[]").unwrap();
    let drift = run(
        &mut bare(),
        &["drift", "pixverse", "VideoPage", file.to_str().unwrap()],
    );
    assert_eq!(drift.code, 1, "{}", drift.stderr);
    let said = format!("{}{}", drift.stdout, drift.stderr);
    assert!(!said.contains("invalid length"), "{said}");
    assert!(said.contains("not a VideoPage"), "{said}");
}

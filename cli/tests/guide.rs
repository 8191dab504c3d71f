//! What a new user reads first (issue 27): `-h` short and `--help` long, no
//! command offering a flag it refuses (in its help or in completion
//! scripts), and `COLUMNS` honoured like `VIDAPI_COLUMNS`.

use vidapi::emulator::Emulator;

mod common;
use common::{bare, run, vidapi};

/// The long option names a help text offers (`--json`, …).
fn offered(help: &str) -> Vec<String> {
    help.split_whitespace()
        .filter_map(|word| word.strip_prefix("--"))
        .map(|rest| {
            rest.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                .next()
                .unwrap_or_default()
                .to_owned()
        })
        .filter(|name| !name.is_empty())
        .collect()
}

#[test]
fn short_help_is_one_line_per_option_and_long_help_says_more() {
    for command in [
        &["download"][..],
        &["drift"],
        &["wait"],
        &["list"],
        &["minimax", "videos"],
        &["schema", "update"],
        &[],
    ] {
        let short = run(&mut bare(), &[command, &["-h"]].concat());
        let long = run(&mut bare(), &[command, &["--help"]].concat());
        assert_eq!((short.code, long.code), (0, 0), "{command:?}");
        // One line per option: every line naming an option is its only line.
        let lines: Vec<&str> = short.stdout.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let starts_option = line.trim_start().starts_with('-');
            let next = lines.get(i + 1).copied().unwrap_or_default();
            let continued = !next.trim().is_empty()
                && !next.trim_start().starts_with('-')
                && next.starts_with("          ");
            assert!(
                !(starts_option && continued),
                "`vidapi {} -h`: an option takes more than one line:\n{line}\n{next}",
                command.join(" ")
            );
        }
        assert!(
            long.stdout.len() > short.stdout.len() * 3 / 2,
            "`vidapi {} --help` says little more than -h",
            command.join(" ")
        );
    }
}

#[test]
fn drift_help_offers_neither_save_bodies_nor_the_payload_meaning_of_json() {
    for flag in ["-h", "--help"] {
        let help = run(&mut bare(), &["drift", flag]);
        assert_eq!(help.code, 0);
        let names = offered(&help.stdout);
        assert!(
            !names.contains(&"save-bodies".to_owned()),
            "{}",
            help.stdout
        );
        // `-h` puts an option's help on its line, `--help` on the next.
        let from_json = help
            .stdout
            .split("--json")
            .nth(1)
            .unwrap_or_else(|| panic!("drift {flag} offers no --json:\n{}", help.stdout));
        let json_help = from_json
            .trim_start()
            .lines()
            .find(|l| !l.trim().is_empty());
        assert!(
            json_help.is_some_and(|l| l.contains("findings")),
            "{}",
            help.stdout
        );
        assert!(
            !help.stdout.contains("as the provider sent it"),
            "{}",
            help.stdout
        );
    }
    // Still refused with a reason, not an unknown flag.
    let refused = run(
        &mut bare(),
        &[
            "drift",
            "--save-bodies",
            "x",
            "minimax",
            "VideoList",
            "y.json",
        ],
    );
    assert_eq!(refused.code, 2);
    assert!(
        refused.stderr.contains("calls no provider"),
        "{}",
        refused.stderr
    );
}

#[test]
fn completion_scripts_offer_no_flag_a_command_refuses() {
    // fish names the subcommand on each option's line, so the offer can be
    // read per command; the other shells are generated from the same grammar.
    let fish = run(&mut bare(), &["completions", "fish"]);
    assert_eq!(fish.code, 0);
    let offers = |command: &str, flag: &str| {
        fish.stdout.lines().any(|line| {
            line.contains(&format!("__fish_vidapi_using_subcommand {command}\""))
                && line.contains(&format!(" -l {flag}"))
        })
    };
    for command in ["demo", "emulator", "completions"] {
        assert!(!offers(command, "json"), "{command} is offered --json");
        assert!(
            !offers(command, "save-bodies"),
            "{command} is offered --save-bodies"
        );
        assert!(
            offers(command, "verbose"),
            "{command}: the other global options go"
        );
    }
    assert!(!offers("drift", "save-bodies"));
    assert!(offers("drift", "json"));
    assert!(offers("list", "json"));
    assert!(offers("list", "save-bodies"));
    for shell in ["bash", "zsh", "powershell", "elvish"] {
        let script = run(&mut bare(), &["completions", shell]);
        assert_eq!(script.code, 0, "{shell}");
        assert!(script.stdout.contains("--json"), "{shell}");
    }
    // bash lists each command's options on one line.
    let bash = run(&mut bare(), &["completions", "bash"]).stdout;
    let demo_opts = bash
        .split("vidapi__subcmd__demo)")
        .nth(1)
        .and_then(|rest| rest.lines().find(|l| l.contains("opts=")))
        .expect("bash script has demo's options");
    assert!(!demo_opts.contains("--json"), "{demo_opts}");
    assert!(!demo_opts.contains("--save-bodies"), "{demo_opts}");
}

#[test]
fn columns_is_honoured_like_vidapi_columns_which_wins() {
    let emulator = Emulator::start().unwrap();
    let widest = |out: &str| out.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    let by_columns = run(vidapi(&emulator).env("COLUMNS", "80"), &["list"]);
    assert_eq!(by_columns.code, 0, "{}", by_columns.stderr);
    assert!(widest(&by_columns.stdout) <= 80, "{}", by_columns.stdout);
    assert!(
        by_columns.stderr.contains("hidden to fit 80 columns"),
        "{}",
        by_columns.stderr
    );
    let piped = run(&mut vidapi(&emulator), &["list"]);
    assert!(widest(&piped.stdout) > 80);
    let both = run(
        vidapi(&emulator)
            .env("COLUMNS", "80")
            .env("VIDAPI_COLUMNS", "100"),
        &["list"],
    );
    assert!(
        both.stderr.contains("to fit 100 columns"),
        "{}",
        both.stderr
    );
}

#[test]
fn minimax_video_shows_the_url_that_downloads_and_takes_an_account() {
    let emulator = Emulator::start().unwrap();
    let shown = run(
        &mut vidapi(&emulator),
        &["minimax", "video", "video_id_#2", "--account", "second"],
    );
    assert_eq!(shown.code, 0, "{}", shown.stderr);
    // The list's videoURL is a placeholder; the lookup's downloadURL is
    // the emulator's media host, which `download` fetches.
    assert!(shown.stdout.contains("/media/minimax/"), "{}", shown.stdout);
    assert!(
        !shown.stdout.contains("<generated video url>"),
        "{}",
        shown.stdout
    );
    let listed_in = emulator
        .requests()
        .iter()
        .filter(|r| r.path == "/v1/minimax/videos/")
        .map(|r| r.query.clone())
        .collect::<Vec<_>>();
    assert!(
        listed_in
            .iter()
            .all(|q| q.contains(&("account".to_owned(), "second".to_owned()))),
        "{listed_in:?}"
    );
    assert!(!listed_in.is_empty());
    let blank = run(
        &mut vidapi(&emulator),
        &["minimax", "video", "video_id_#2", "--account", " "],
    );
    assert_eq!(blank.code, 2, "{}", blank.stderr);
}

#[test]
fn one_fact_is_said_in_one_way() {
    let emulator = Emulator::start().unwrap();
    // An id that is not there: `wait` and `download` use the same words.
    let waited = run(
        &mut vidapi(&emulator),
        &["wait", "hourone", "nope", "--timeout", "5"],
    );
    let fetched = run(&mut vidapi(&emulator), &["download", "hourone", "nope"]);
    for out in [&waited, &fetched] {
        assert_eq!(out.code, 1, "{}", out.stderr);
        assert!(
            out.stderr.contains("the provider has no such video"),
            "{}",
            out.stderr
        );
    }
    // A bad id is "invalid video id" whichever provider's path it was for.
    for args in [
        &["hourone", "video", " "][..],
        &["hourone", "metadata", " "],
        &["pixverse", "video", " "],
        &["minimax", "video", ".."],
    ] {
        let out = run(&mut vidapi(&emulator), args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(
            out.stderr.starts_with("vidapi: error: invalid video id: "),
            "{args:?}: {}",
            out.stderr
        );
    }
    // clap's usage errors carry the same prefix as every other error.
    for args in [&["--bogus"][..], &["download", "nowhere", "x"], &["wait"]] {
        let out = run(&mut bare(), args);
        assert_eq!(out.code, 2, "{args:?}");
        assert!(
            out.stderr.starts_with("vidapi: error: "),
            "{args:?}: {}",
            out.stderr
        );
        assert_eq!(out.stderr.matches("error:").count(), 1, "{}", out.stderr);
    }
}

#[test]
fn the_guide_names_the_log_target_that_dash_v_prints() {
    let emulator = Emulator::start().unwrap();
    let out = run(&mut vidapi(&emulator), &["-v", "hourone", "videos"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // `2026-…Z DEBUG vidapi::transport::log: attempt …`: the word before the first `: `.
    let line = out
        .stderr
        .lines()
        .find(|l| l.contains(" attempt"))
        .unwrap_or_else(|| panic!("no attempt line:\n{}", out.stderr));
    let target = line
        .split(": ")
        .next()
        .and_then(|head| head.split_whitespace().last())
        .unwrap();
    assert!(target.starts_with("vidapi::"), "{line}");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for page in ["docs/reliability.md", "docs/command-line.md"] {
        let text = std::fs::read_to_string(root.join(page)).unwrap();
        assert!(
            text.contains(&format!("target `{target}`"))
                || text.contains(&format!("{target}: attempt")),
            "{page} does not name the log target {target}"
        );
    }
}

//! Every shell command the README and the guide (`docs/*.md`) show runs
//! against the emulator, so none can go stale.
//!
//! The commands are the lines of the ```` ```sh ```` blocks, run in order,
//! one working folder per page (holding copies of `schemas/` and
//! `tests/fixtures/`, which the schema examples name), with `vidapi` on the
//! PATH, every provider pointed at one emulator and `HOME` inside the
//! folder. A command must exit 0, or the code its comment names (`# … exit
//! 4 if any`). Lines that are not the project's to run here are left out,
//! each named on stdout with the reason: `cargo …` (the build and test
//! commands, which `.ci/run` runs), `git …`, `vidapi emulator` (it never
//! ends; the test runs the emulator itself). A block after a line
//! `<!-- doc-commands: needs `COMMAND` -->` runs only once COMMAND succeeds
//! (a command still being built), and is named on stdout when skipped.
#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::Command;

use vidapi::emulator::{Emulator, HOURONE_KEY, MEMORIES_KEY, USEAPI_TOKEN};

mod common;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// One command of a page's shell block.
#[derive(Debug)]
struct Line {
    /// `README.md:57`.
    at: String,
    command: String,
    /// The comment's text after the first unquoted ` #`, if any.
    comment: String,
    /// What must succeed first, from the block's marker.
    needs: Option<String>,
}

/// The pages: README.md, then docs/*.md by name.
fn pages() -> Vec<PathBuf> {
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    let mut pages = vec![root().join("README.md")];
    pages.extend(docs);
    pages
}

/// Splits `text` at its first ` #` outside single or double quotes.
fn split_comment(text: &str) -> (&str, &str) {
    let mut quote = None;
    let mut previous = ' ';
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '#') if previous.is_whitespace() => {
                return (text[..i].trim_end(), text[i + 1..].trim());
            }
            _ => {}
        }
        previous = c;
    }
    (text.trim_end(), "")
}

/// The commands of a page's ```` ```sh ```` blocks.
fn commands(page: &Path) -> Vec<Line> {
    let name = page.strip_prefix(root()).unwrap().display().to_string();
    let text = std::fs::read_to_string(page).unwrap();
    let mut out = Vec::new();
    let mut in_sh = false;
    let mut fenced = false;
    let mut needs = None;
    let mut marker = None;
    for (n, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            if fenced {
                fenced = false;
                in_sh = false;
                needs = None;
            } else {
                fenced = true;
                in_sh = trimmed == "```sh";
                needs = marker.take();
            }
            continue;
        }
        if !fenced {
            marker = trimmed
                .strip_prefix("<!-- doc-commands: needs `")
                .and_then(|rest| rest.strip_suffix("` -->"))
                .map(str::to_owned);
            continue;
        }
        if !in_sh || trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let (command, comment) = split_comment(trimmed);
        out.push(Line {
            at: format!("{name}:{}", n + 1),
            command: command.to_owned(),
            comment: comment.to_owned(),
            needs: needs.clone(),
        });
    }
    out
}

/// Why a line is not run here, if it is not.
fn left_out(command: &str) -> Option<&'static str> {
    let first = command.split_whitespace().next().unwrap_or_default();
    match first {
        "cargo" if command.starts_with("cargo install") => {
            Some("it installs into ~/.cargo; .ci/run builds the same binary")
        }
        "cargo" => Some("a build or test command: .ci/run runs it"),
        "git" => Some("reviewing the change is yours"),
        _ if command.starts_with("vidapi emulator") => {
            Some("it runs until stopped; this test runs the emulator itself")
        }
        _ => None,
    }
}

/// The exit codes a line may end with: 0, and any `exit N` its comment names.
fn allowed_codes(comment: &str) -> Vec<i32> {
    let mut codes = vec![0];
    let words: Vec<&str> = comment.split_whitespace().collect();
    for pair in words.windows(2) {
        if pair[0] == "exit" {
            let digits: String = pair[1].chars().take_while(char::is_ascii_digit).collect();
            if let Ok(code) = digits.parse() {
                codes.push(code);
            }
        }
    }
    codes
}

/// A shell in `dir` with `vidapi` first on the PATH and every provider at
/// the emulator.
fn shell(dir: &Path, emulator: &Emulator, script: &str) -> Command {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_vidapi"));
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = Command::new("sh");
    cmd.arg("-c").arg(script).current_dir(dir);
    for var in common::VARS.iter().chain(common::COMMAND_VARS) {
        cmd.env_remove(var);
    }
    let base = emulator.base_url();
    cmd.env("PATH", path)
        .env("HOME", dir.join("home"))
        .env("VIDAPI_SHARED_PACING", "0")
        .env("USEAPI_TOKEN", USEAPI_TOKEN)
        .env("HOURONE_API_KEY", HOURONE_KEY)
        .env("MEMORIES_API_KEY", MEMORIES_KEY)
        .env("USEAPI_BASE_URL", base)
        .env("HOURONE_BASE_URL", base)
        .env("MEMORIES_BASE_URL", base);
    cmd
}

/// Copies the folder `from` (relative to the repository) into `to`.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn the_comment_of_a_line_starts_at_an_unquoted_hash() {
    assert_eq!(
        split_comment("vidapi download minimax 'video_id_#2' -o clip.mp4   # one"),
        ("vidapi download minimax 'video_id_#2' -o clip.mp4", "one")
    );
    assert_eq!(split_comment("vidapi list"), ("vidapi list", ""));
    assert_eq!(allowed_codes("2. drift per path: exit 4 if any"), [0, 4]);
    assert_eq!(allowed_codes("one line per finding"), [0]);
}

#[test]
fn every_shell_command_in_the_readme_and_the_guide_runs_against_the_emulator() {
    let emulator = Emulator::start().unwrap();
    let mut ran = 0;
    let mut failures = Vec::new();
    for page in pages() {
        let lines = commands(&page);
        if lines.is_empty() {
            continue;
        }
        let dir = tempfile::tempdir().unwrap();
        copy_tree(&root().join("schemas"), &dir.path().join("schemas"));
        copy_tree(
            &root().join("tests/fixtures"),
            &dir.path().join("tests/fixtures"),
        );
        std::fs::create_dir_all(dir.path().join("home")).unwrap();
        for line in lines {
            if let Some(why) = left_out(&line.command) {
                println!("{}: left out ({why}): {}", line.at, line.command);
                continue;
            }
            if let Some(needs) = &line.needs {
                let ready = shell(dir.path(), &emulator, &format!("{needs} >/dev/null 2>&1"))
                    .status()
                    .unwrap()
                    .success();
                if !ready {
                    println!(
                        "{}: skipped until `{needs}` succeeds: {}",
                        line.at, line.command
                    );
                    continue;
                }
            }
            println!("{}: running: {}", line.at, line.command);
            let out = shell(dir.path(), &emulator, &line.command)
                .output()
                .unwrap();
            let code = out.status.code().unwrap_or(-1);
            ran += 1;
            if !allowed_codes(&line.comment).contains(&code) {
                failures.push(format!(
                    "{}: `{}` exited {code}\n{}",
                    line.at,
                    line.command,
                    String::from_utf8_lossy(&out.stderr)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The README alone shows more than this many; a parser that found none
    // would otherwise pass.
    assert!(ran >= 10, "only {ran} commands found");
}

//! Running the `vidapi` binary in tests: shared by the CLI test files.
#![allow(dead_code)] // each test file uses its own part of this

use std::ffi::OsStr;

use assert_cmd::Command;
use vidapi::emulator::{Emulator, HOURONE_KEY, MEMORIES_KEY, USEAPI_TOKEN};

/// Every variable the command reads, removed so the caller's environment
/// cannot leak into a test.
pub const VARS: &[&str] = &vidapi::env::VARIABLES;

/// The variables only the command reads (not the library), removed too.
pub const COMMAND_VARS: &[&str] = &[
    "VIDAPI_COLUMNS",
    "VIDAPI_MAX_INPUT_BYTES",
    "VIDAPI_SHARED_PACING",
    "COLUMNS",
];

/// The binary with no provider configured, and no pacing shared with other
/// processes (which would write to the user's cache directory;
/// `tests/shared_pacing.rs` turns it on, in a temporary directory).
pub fn bare() -> Command {
    let mut cmd = Command::cargo_bin("vidapi").unwrap();
    for var in VARS.iter().chain(COMMAND_VARS) {
        cmd.env_remove(var);
    }
    cmd.env("VIDAPI_SHARED_PACING", "0");
    cmd
}

/// The binary with every provider pointed at the emulator.
pub fn vidapi(emulator: &Emulator) -> Command {
    let mut cmd = bare();
    let base = emulator.base_url();
    cmd.env("USEAPI_TOKEN", USEAPI_TOKEN)
        .env("HOURONE_API_KEY", HOURONE_KEY)
        .env("MEMORIES_API_KEY", MEMORIES_KEY)
        .env("USEAPI_BASE_URL", base)
        .env("HOURONE_BASE_URL", base)
        .env("MEMORIES_BASE_URL", base);
    cmd
}

/// What one run printed and how it ended.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `cmd` with `args`, at most 60 s.
pub fn run<S: AsRef<OsStr>>(cmd: &mut Command, args: &[S]) -> Run {
    let output = cmd
        .args(args)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

/// The binary as a plain [`std::process::Command`], every provider pointed
/// at the emulator (as [`vidapi`] does): for a test that streams the
/// output or watches the running process.
pub fn vidapi_process(emulator: &Emulator) -> std::process::Command {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("vidapi"));
    for var in VARS.iter().chain(COMMAND_VARS) {
        cmd.env_remove(var);
    }
    cmd.env("VIDAPI_SHARED_PACING", "0");
    let base = emulator.base_url();
    cmd.env("USEAPI_TOKEN", USEAPI_TOKEN)
        .env("HOURONE_API_KEY", HOURONE_KEY)
        .env("MEMORIES_API_KEY", MEMORIES_KEY)
        .env("USEAPI_BASE_URL", base)
        .env("HOURONE_BASE_URL", base)
        .env("MEMORIES_BASE_URL", base);
    cmd
}

/// Client settings pointed at the emulator for download tests: `timeout`
/// per attempt, `retries` with a 1–5 ms backoff so retries cost no time.
pub fn fast_retry_config(
    emulator: &Emulator,
    retries: u32,
    timeout: std::time::Duration,
) -> vidapi::Config {
    vidapi::Config::new()
        .base_url(emulator.base_url())
        .timeout(timeout)
        .retry(vidapi::RetryPolicy {
            max_retries: retries,
            initial_backoff: std::time::Duration::from_millis(1),
            max_backoff: std::time::Duration::from_millis(5),
            ..vidapi::RetryPolicy::default()
        })
}

/// Says on the terminal what a slow test is doing, while `cargo test`
/// captures everything else: written to stderr's handle, which the test
/// harness does not capture (it captures `print!` and `eprint!`).
pub fn say(what: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "    (slow test) {what}");
}

/// A media answer cut short: a 200 for media file `name` with the
/// emulator's validators for it (so a resume can be proven) that promises
/// `length` bytes, sends `body`, then closes the connection.
pub fn cut(emulator: &Emulator, name: &str, length: usize, body: &[u8]) -> vidapi::emulator::Fault {
    let (etag, modified) = emulator.media_validators(name);
    cut_with(&etag, &modified, length, body)
}

/// [`cut`] with these validators.
pub fn cut_with(etag: &str, modified: &str, length: usize, body: &[u8]) -> vidapi::emulator::Fault {
    let mut raw = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: video/mp4\r\nContent-Length: {length}\r\n\
         ETag: {etag}\r\nLast-Modified: {modified}\r\n\r\n"
    )
    .into_bytes();
    raw.extend_from_slice(body);
    vidapi::emulator::Fault::Raw(raw)
}

/// Every file name in `dir`, sorted.
pub fn files(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

//! Pacing across processes: `vidapi` commands running at once on one
//! machine share memories.ai's documented rate (5 list requests per
//! second) through a state file in a shared folder (here, always a
//! temporary one), against the emulator enforcing that rate as a sliding
//! one-second window that answers `0429` beyond it.

use std::path::Path;
use std::time::{Duration, Instant};

use vidapi::emulator::{Emulator, MEMORIES_KEY};
use vidapi::memories::ListVideosRequest;
use vidapi::{Config, Memories, RetryPolicy};

mod common;
use common::{Run, run, vidapi};

const LIST_PATH: &str = "/serve/api/video/list_videos";
const WINDOW: Duration = Duration::from_secs(1);
const PROCESSES: usize = 4;

/// The most requests any one-second window of `times` holds (a window
/// holds requests less than a second apart from its first).
fn busiest_window(times: &[Instant]) -> usize {
    let mut times = times.to_vec();
    times.sort();
    (0..times.len())
        .map(|i| {
            times[i..]
                .iter()
                .take_while(|t| **t - times[i] < WINDOW)
                .count()
        })
        .max()
        .unwrap_or(0)
}

/// Every list request the emulator received: (arrival, refused with 0429).
fn list_requests(emulator: &Emulator) -> (Vec<Instant>, usize) {
    let list: Vec<_> = emulator
        .requests()
        .into_iter()
        .filter(|r| r.path == LIST_PATH)
        .collect();
    let refused = list.iter().filter(|r| r.rate_limited).count();
    (list.iter().map(|r| r.received).collect(), refused)
}

/// `vidapi --json memories videos --all` over folder 1 (15 videos) in
/// pages of `size`, `PROCESSES` processes at once, each set up by `setup`
/// (given its number).
fn four_at_once(
    emulator: &Emulator,
    size: &str,
    setup: impl Fn(usize, &mut assert_cmd::Command) + Sync,
) -> Vec<Run> {
    let args = [
        "--json",
        "memories",
        "videos",
        "--all",
        "--size",
        size,
        "--folder-id",
        "1",
    ];
    std::thread::scope(|scope| {
        let runs: Vec<_> = (0..PROCESSES)
            .map(|n| {
                let setup = &setup;
                scope.spawn(move || {
                    let mut cmd = vidapi(emulator);
                    setup(n, &mut cmd);
                    run(&mut cmd, &args)
                })
            })
            .collect();
        runs.into_iter().map(|r| r.join().unwrap()).collect()
    })
}

/// Shared pacing on, in `dir` (the common setup turns it off).
fn shared_in(dir: &Path, cmd: &mut assert_cmd::Command) {
    cmd.env("VIDAPI_SHARED_PACING", "1")
        .env("VIDAPI_PACE_DIR", dir);
}

#[test]
fn four_processes_share_the_rate_and_draw_no_0429() {
    common::say(
        "shared_pacing.rs: four `vidapi memories videos --all` at once, sharing 5 requests/s: several seconds",
    );
    let emulator = Emulator::start().unwrap();
    emulator.rate_limit(LIST_PATH, 5, WINDOW);
    let dir = tempfile::tempdir().unwrap();
    let pace = dir.path().join("pace");
    let started = Instant::now();
    let runs = four_at_once(&emulator, "3", |_, cmd| shared_in(&pace, cmd));
    let took = started.elapsed();
    for out in &runs {
        assert_eq!(out.code, 0, "{}", out.stderr);
        let videos: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        assert_eq!(videos.as_array().map(Vec::len), Some(15));
    }
    let (times, refused) = list_requests(&emulator);
    assert_eq!(refused, 0, "requests answered 0429");
    // Each process read its five pages (a sixth would be an empty page).
    assert!(times.len() >= 5 * PROCESSES, "{} requests", times.len());
    let busiest = busiest_window(&times);
    eprintln!(
        "shared: {} requests in {took:?}, {refused} refused, at most {busiest} in a second",
        times.len()
    );
    assert!(busiest <= 5, "{busiest} requests within one second");
    // One state file, private, named without the key.
    let files: Vec<_> = std::fs::read_dir(&pace)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let name = files[0].file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with("memories-ai-list-"), "{name}");
    assert!(!name.contains(MEMORIES_KEY));
    assert!(
        !std::fs::read_to_string(&files[0])
            .unwrap()
            .contains(MEMORIES_KEY)
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&files[0]), 0o600);
        assert_eq!(mode(&pace), 0o700);
    }
}

#[test]
fn without_shared_pacing_four_processes_exceed_the_rate() {
    common::say(
        "shared_pacing.rs: four `vidapi memories videos --all` at once, each paced alone: several seconds",
    );
    let emulator = Emulator::start().unwrap();
    emulator.rate_limit(LIST_PATH, 5, WINDOW);
    let dir = tempfile::tempdir().unwrap();
    let pace = dir.path().join("pace");
    // The folder is named, but two processes say --no-shared-pacing and
    // two VIDAPI_SHARED_PACING=0: each keeps to 5 per second on its own.
    // Pages of 2: eight requests each, 1.5 s per process at least, so the
    // four overlap even if they start far apart.
    four_at_once(&emulator, "2", |n, cmd| {
        cmd.env("VIDAPI_PACE_DIR", &pace);
        if n % 2 == 0 {
            cmd.env("VIDAPI_SHARED_PACING", "0");
        } else {
            cmd.env_remove("VIDAPI_SHARED_PACING")
                .arg("--no-shared-pacing");
        }
    });
    let (times, refused) = list_requests(&emulator);
    eprintln!(
        "per process: {} requests, {refused} refused, at most {} in a second",
        times.len(),
        busiest_window(&times)
    );
    assert!(
        refused > 0 || busiest_window(&times) > 5,
        "{} requests, none refused, at most {} in a second",
        times.len(),
        busiest_window(&times)
    );
    // Nothing was shared: no state was even created.
    assert!(!pace.exists());
}

#[test]
fn library_clients_pace_together_only_when_given_one_folder() {
    let emulator = Emulator::start().unwrap();
    emulator.rate_limit(LIST_PATH, 5, WINDOW);
    let dir = tempfile::tempdir().unwrap();
    // No retries: a single 0429 is an error here, not hidden.
    let config = Config::new()
        .base_url(emulator.base_url())
        .retry(RetryPolicy::none());
    // Four clients made separately, as four processes would make them.
    let go = |config: &Config| {
        let clients: Vec<Memories> = (0..PROCESSES)
            .map(|_| Memories::with_config(MEMORIES_KEY, config.clone()).unwrap())
            .collect();
        std::thread::scope(|scope| {
            let workers: Vec<_> = clients
                .iter()
                .map(|client| {
                    scope.spawn(move || {
                        (0..3)
                            .map(|_| client.list_videos(&ListVideosRequest::default()).is_ok())
                            .filter(|ok| *ok)
                            .count()
                    })
                })
                .collect();
            workers
                .into_iter()
                .map(|w| w.join().unwrap())
                .sum::<usize>()
        })
    };
    let shared = go(&config.clone().shared_pacing(dir.path()));
    assert_eq!(shared, 3 * PROCESSES);
    let (times, refused) = list_requests(&emulator);
    assert_eq!(refused, 0);
    assert!(busiest_window(&times) <= 5, "{times:?}");

    // Per client, the default: twelve requests in about half a second.
    let later = Emulator::start().unwrap();
    later.rate_limit(LIST_PATH, 5, WINDOW);
    let apart = go(&config.base_url(later.base_url()));
    let (times, refused) = list_requests(&later);
    assert!(
        refused > 0 && apart < 3 * PROCESSES,
        "{refused} refused, {apart} ok"
    );
    assert!(busiest_window(&times) > 5);
}

#[test]
fn an_unusable_pace_folder_never_stops_a_request() {
    let emulator = Emulator::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    // A file where the folder should be.
    let blocked = dir.path().join("not-a-folder");
    std::fs::write(&blocked, "mine").unwrap();
    let mut cmd = vidapi(&emulator);
    shared_in(&blocked, &mut cmd);
    let out = run(&mut cmd, &["-v", "memories", "videos", "--size", "2"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("shared pacing state unusable; pacing within this process only"),
        "{}",
        out.stderr
    );
    assert_eq!(std::fs::read_to_string(&blocked).unwrap(), "mine");

    // A state file with garbage in it: warned about, started afresh.
    let pace = dir.path().join("pace");
    let mut first = vidapi(&emulator);
    shared_in(&pace, &mut first);
    assert_eq!(run(&mut first, &["memories", "videos"]).code, 0);
    let file = std::fs::read_dir(&pace).unwrap().next().unwrap().unwrap();
    std::fs::write(file.path(), "garbage").unwrap();
    let mut again = vidapi(&emulator);
    shared_in(&pace, &mut again);
    let out = run(&mut again, &["-v", "memories", "videos"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("shared pacing state is corrupt"),
        "{}",
        out.stderr
    );
    let state = std::fs::read_to_string(file.path()).unwrap();
    assert!(state.starts_with("vidapi-pace 1\n"), "{state}");
}

#[cfg(unix)]
#[test]
fn state_others_could_write_is_not_trusted() {
    use std::os::unix::fs::PermissionsExt;
    let emulator = Emulator::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pace = dir.path().join("pace");
    let mut first = vidapi(&emulator);
    shared_in(&pace, &mut first);
    assert_eq!(run(&mut first, &["memories", "videos"]).code, 0);
    let state = std::fs::read_dir(&pace)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    // A state claiming a slot 50 s ahead, in a folder anyone may write to:
    // the request neither waits for it nor writes there.
    let ahead = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
        + 50_000_000_000;
    let planted = format!("vidapi-pace 1\n{ahead}\n");
    std::fs::write(&state, &planted).unwrap();
    std::fs::set_permissions(&pace, std::fs::Permissions::from_mode(0o777)).unwrap();
    let mut cmd = vidapi(&emulator);
    shared_in(&pace, &mut cmd);
    let out = run(&mut cmd, &["-v", "memories", "videos"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("the pace folder is writable by others"),
        "{}",
        out.stderr
    );
    assert_eq!(std::fs::read_to_string(&state).unwrap(), planted);

    // A hard link at the state path, in a private folder: never written.
    std::fs::set_permissions(&pace, std::fs::Permissions::from_mode(0o700)).unwrap();
    let victim = dir.path().join("victim");
    std::fs::write(&victim, "precious").unwrap();
    std::fs::remove_file(&state).unwrap();
    std::fs::hard_link(&victim, &state).unwrap();
    let mut cmd = vidapi(&emulator);
    shared_in(&pace, &mut cmd);
    let out = run(&mut cmd, &["-v", "memories", "videos"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("2 hard links"), "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
}

#[test]
fn a_bad_shared_pacing_value_is_a_usage_error() {
    let emulator = Emulator::start().unwrap();
    let mut cmd = vidapi(&emulator);
    cmd.env("VIDAPI_SHARED_PACING", "maybe");
    let out = run(&mut cmd, &["memories", "videos"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("VIDAPI_SHARED_PACING"),
        "{}",
        out.stderr
    );
    assert!(emulator.requests().is_empty());
}

#[test]
fn reliability_lists_the_cross_process_cases() {
    let report =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../RELIABILITY.md")).unwrap();
    let section = report
        .split("\n## Pacing across processes\n")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("RELIABILITY.md has a section \"Pacing across processes\"");
    for test in [
        "four_processes_share_the_rate_and_draw_no_0429",
        "without_shared_pacing_four_processes_exceed_the_rate",
        "library_clients_pace_together_only_when_given_one_folder",
        "an_unusable_pace_folder_never_stops_a_request",
        "a_bad_shared_pacing_value_is_a_usage_error",
        "a_planted_symlink_is_not_followed",
        "a_fifo_or_directory_at_the_path_is_refused",
        "corrupt_states_start_afresh",
        "threads_with_lanes_of_their_own_never_share_a_slot",
        "times_far_ahead_are_dropped",
        "state_others_could_write_is_not_trusted",
        "a_hard_link_at_the_state_path_is_never_written",
        "folders_and_files_others_can_write_are_not_trusted",
    ] {
        assert!(section.contains(test), "the section does not name {test}");
    }
}

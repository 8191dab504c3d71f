//! `vidapi sync` and `vidapi jobs` against the emulator: the mirror, its
//! incremental reruns, kills at random moments, and bad input.

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use common::{run, vidapi, vidapi_process};
use vidapi::emulator::{Emulator, USEAPI_TOKEN};
use vidapi::view::{Stage, Video};
use vidapi::{Config, UseApi};

/// The finished PixVerse videos the emulator lists: where sync puts each
/// (`pixverse/<email>/<n>.mp4`) and the media name it is served as.
fn finished_pixverse(emulator: &Emulator) -> Vec<(PathBuf, String)> {
    let config = Config::new().base_url(emulator.base_url());
    let useapi = UseApi::with_config(USEAPI_TOKEN, config).unwrap();
    let listed: Vec<Video> = useapi
        .pixverse()
        .videos_iter(None)
        .map(|v| Video::from(&v.unwrap()))
        .collect();
    emulator.reset_records();
    let finished: Vec<_> = listed
        .iter()
        .filter(|v| v.stage == Stage::Completed && v.file_url.is_some())
        .map(|v| {
            let (_, rest) = v.id.split_once("-pixverse:").unwrap();
            let (email, n) = rest.rsplit_once("-video:").unwrap();
            (
                PathBuf::from(format!("pixverse/{email}/{n}.mp4")),
                format!("pixverse/{n}.mp4"),
            )
        })
        .collect();
    assert!(
        finished.len() > 10,
        "the emulator lists too few finished videos"
    );
    finished
}

/// Media requests the emulator received, per media name.
fn media_requests(emulator: &Emulator) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for r in emulator.requests() {
        if let Some(name) = r.path.strip_prefix("/media/") {
            *counts.entry(name.to_owned()).or_default() += 1;
        }
    }
    counts
}

fn summary(stdout: &str) -> serde_json::Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

/// Every file whole (the media host's bytes), with the provider's JSON of
/// it beside it, and nothing half-written anywhere.
fn assert_mirrored(emulator: &Emulator, dir: &Path, finished: &[(PathBuf, String)]) {
    for (path, media) in finished {
        let bytes =
            std::fs::read(dir.join(path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(
            bytes == emulator.media_file(media),
            "{} is not whole",
            path.display()
        );
        let meta: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join(path).with_extension("json")).unwrap())
                .unwrap();
        let n = path.file_stem().unwrap().to_str().unwrap();
        let id = meta["video_id"].as_str().unwrap();
        assert!(id.ends_with(&format!("-video:{n}")), "{id}");
    }
    // Under its real name a file is whole; a kill while a file was being
    // written may leave only a hidden temporary (`.NAME.PID.N.tmp`) beside
    // it, never a visible partial file, and a finished run leaves no `.part`.
    for entry in walk(dir) {
        let name = entry.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with('.') && name.ends_with(".tmp") {
            continue;
        }
        assert!(!name.contains(".part"), "left behind: {}", entry.display());
        if entry.starts_with(dir.join(".vidapi")) {
            continue;
        }
        let path = entry.strip_prefix(dir).unwrap().with_extension("mp4");
        assert!(
            finished.iter().any(|(p, _)| *p == path),
            "unexpected file {}",
            entry.display()
        );
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path);
        }
    }
    found
}

#[test]
fn sync_mirrors_every_finished_video_and_a_second_sync_fetches_nothing() {
    let emulator = Emulator::start().unwrap();
    let finished = finished_pixverse(&emulator);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("videos");
    let args = [
        "--json",
        "sync",
        out.to_str().unwrap(),
        "--provider",
        "pixverse",
    ];
    let first = run(&mut vidapi(&emulator), &args);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let counted = summary(&first.stdout);
    assert_eq!(counted["new"], finished.len());
    assert_eq!(
        (counted["already"].as_u64(), counted["failed"].as_u64()),
        (Some(0), Some(0))
    );
    assert_mirrored(&emulator, &out, &finished);
    let fetched = media_requests(&emulator);
    assert_eq!(fetched.len(), finished.len());
    assert!(fetched.values().all(|&n| n == 1), "{fetched:?}");

    emulator.reset_records();
    let second = run(&mut vidapi(&emulator), &args);
    assert_eq!(second.code, 0, "{}", second.stderr);
    let counted = summary(&second.stdout);
    assert_eq!(
        (counted["new"].as_u64(), counted["already"].as_u64()),
        (Some(0), Some(finished.len() as u64))
    );
    assert!(
        media_requests(&emulator).is_empty(),
        "a second sync fetched media"
    );
    assert!(
        emulator
            .requests()
            .iter()
            .all(|r| r.path.starts_with("/v2/pixverse/videos")),
        "a second sync sent more than list requests"
    );

    // A file removed (or changed) since is fetched again, alone.
    let (gone, media) = &finished[3];
    std::fs::remove_file(out.join(gone)).unwrap();
    emulator.reset_records();
    let third = run(&mut vidapi(&emulator), &args);
    assert_eq!(third.code, 0, "{}", third.stderr);
    assert_eq!(summary(&third.stdout)["new"], 1);
    assert_eq!(
        media_requests(&emulator),
        HashMap::from([(media.clone(), 1)])
    );
    assert_mirrored(&emulator, &out, &finished);
}

#[test]
fn the_ledger_records_each_file_by_size_and_sha256() {
    let emulator = Emulator::start().unwrap();
    let finished = finished_pixverse(&emulator);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let synced = run(
        &mut vidapi(&emulator),
        &["sync", out, "--provider", "pixverse"],
    );
    assert_eq!(synced.code, 0, "{}", synced.stderr);
    // The table: one row per account with its counts.
    assert!(
        synced.stdout.contains("me@example.com"),
        "{}",
        synced.stdout
    );
    let ledger = dir.path().join(".vidapi/ledger.sqlite");
    let listed = run(
        &mut vidapi(&emulator),
        &["--json", "jobs", "--ledger", ledger.to_str().unwrap()],
    );
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    let jobs: Vec<serde_json::Value> = serde_json::from_str(&listed.stdout).unwrap();
    assert_eq!(jobs.len(), finished.len());
    for job in &jobs {
        assert_eq!(job["state"], "downloaded");
        let path = job["path"].as_str().unwrap();
        let bytes = std::fs::read(path).unwrap();
        assert_eq!(job["size"], bytes.len());
        let digest = ring::digest::digest(&ring::digest::SHA256, &bytes);
        let hex: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(job["sha256"], hex);
    }
    // The default ledger is found from the folder it lives under.
    let mut in_dir = vidapi(&emulator);
    in_dir.current_dir(dir.path());
    let table = run(&mut in_dir, &["jobs", "--state", "downloaded"]);
    assert_eq!(table.code, 0, "{}", table.stderr);
    assert_eq!(table.stdout.matches("downloaded").count(), finished.len());
    // Piped, the table is drawn directly (fast for large ledgers): the same
    // text as the general table fitted to a width it does not need to cut.
    let mut fitted = vidapi(&emulator);
    fitted.current_dir(dir.path()).env("VIDAPI_COLUMNS", "1000");
    let fitted = run(&mut fitted, &["jobs", "--state", "downloaded"]);
    assert_eq!(fitted.stdout, table.stdout);
    let mut in_dir = vidapi(&emulator);
    in_dir.current_dir(dir.path());
    let none = run(&mut in_dir, &["--json", "jobs", "--state", "failed"]);
    assert_eq!(none.stdout.trim(), "[]");
}

#[test]
fn jobs_retry_requeues_failed_jobs_and_unknown_ones_only_when_asked() {
    let emulator = Emulator::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let synced = run(
        &mut vidapi(&emulator),
        &["sync", out, "--provider", "pixverse"],
    );
    assert_eq!(synced.code, 0, "{}", synced.stderr);
    let ledger = dir.path().join(".vidapi/ledger.sqlite");
    {
        // Two jobs as a batch run would leave them.
        let db = rusqlite::Connection::open(&ledger).unwrap();
        db.execute("UPDATE jobs SET state = 'failed' WHERE id = 1", [])
            .unwrap();
        db.execute("UPDATE jobs SET state = 'unknown' WHERE id = 2", [])
            .unwrap();
    }
    let ledger = ledger.to_str().unwrap();
    let retried = run(
        &mut vidapi(&emulator),
        &["jobs", "retry", "--failed", "--ledger", ledger],
    );
    assert_eq!(retried.code, 0, "{}", retried.stderr);
    assert_eq!(retried.stdout.trim(), "requeued 1 job");
    assert!(
        retried.stderr.contains("--include-unknown"),
        "{}",
        retried.stderr
    );
    let state = |state: &str| {
        let listed = run(
            &mut vidapi(&emulator),
            &["--json", "jobs", "--ledger", ledger, "--state", state],
        );
        let jobs: Vec<serde_json::Value> = serde_json::from_str(&listed.stdout).unwrap();
        jobs.iter()
            .map(|j| j["id"].as_i64().unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!((state("planned"), state("unknown")), (vec![1], vec![2]));
    let all = run(
        &mut vidapi(&emulator),
        &[
            "--json",
            "jobs",
            "retry",
            "--failed",
            "--include-unknown",
            "--ledger",
            ledger,
        ],
    );
    assert_eq!(
        summary(&all.stdout),
        serde_json::json!({"requeued": 1, "unknown_left": 0})
    );
    assert_eq!(state("planned"), vec![1, 2]);
}

/// A pseudo-random number below `bound`, from the clock and `n`.
fn random_below(n: u64, bound: u64) -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos() as u64;
    let mut x = nanos ^ n.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x % bound
}

#[test]
fn sync_killed_at_20_random_moments_then_rerun_leaves_every_file_whole() {
    let emulator = Emulator::start().unwrap();
    emulator.set_pixverse_video_count(200);
    let finished = finished_pixverse(&emulator);
    // Slow enough media, two at a time, that the 20 runs together last
    // about as long as one whole sync: the kills land mid-list,
    // mid-download and between a file and its ledger row, not after the end.
    emulator.set_media_latency(Duration::from_millis(200));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let args = [
        "--json",
        "sync",
        out,
        "--provider",
        "pixverse",
        "--concurrency",
        "2",
    ];
    let mut completed_runs = 0;
    for round in 0..20 {
        let mut child = vidapi_process(&emulator)
            .args(args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(100 + random_below(round, 1000)));
        if round % 5 == 4 {
            // Ctrl-C now and then, as a person would.
            unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
        } else {
            child.kill().unwrap(); // SIGKILL
        }
        if child.wait().unwrap().success() {
            completed_runs += 1;
        }
    }
    let before_last = media_requests(&emulator);
    let last = run(&mut vidapi(&emulator), &args);
    assert_eq!(last.code, 0, "{}", last.stderr);
    let counted = summary(&last.stdout);
    assert_eq!(counted["failed"], 0);
    assert_eq!(
        counted["new"].as_u64().unwrap() + counted["already"].as_u64().unwrap(),
        finished.len() as u64
    );
    assert_mirrored(&emulator, dir.path(), &finished);
    // Each media was asked for as often as the runs needed it: once, plus
    // at most once more (a resume or a restart) for each run killed while
    // it was in flight, two at a time at most.
    let fetched = media_requests(&emulator);
    let total: usize = fetched.values().sum();
    assert!(
        total <= finished.len() + 21 * 2,
        "{total} media requests for {} files",
        finished.len()
    );
    assert!(fetched.len() <= finished.len());
    // The last run fetched only what the killed runs had not finished.
    let last_fetches: usize = total - before_last.values().sum::<usize>();
    assert!(last_fetches as u64 <= counted["new"].as_u64().unwrap() * 2);
    // And once whole, nothing is fetched again.
    emulator.reset_records();
    let again = run(&mut vidapi(&emulator), &args);
    assert_eq!(summary(&again.stdout)["already"], finished.len());
    assert!(media_requests(&emulator).is_empty());
    eprintln!("{completed_runs} of 20 interrupted runs had finished before their signal");
}

#[test]
fn concurrent_sync_is_faster_than_one_file_at_a_time() {
    // Not a timing assertion: the counters show the media requests overlap.
    let emulator = Emulator::start().unwrap();
    let finished = finished_pixverse(&emulator);
    emulator.set_media_latency(Duration::from_millis(100));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let synced = run(
        &mut vidapi(&emulator),
        &["sync", out, "--provider", "pixverse", "--concurrency", "8"],
    );
    assert_eq!(synced.code, 0, "{}", synced.stderr);
    let media: Vec<_> = emulator
        .requests()
        .into_iter()
        .filter(|r| r.path.starts_with("/media/"))
        .collect();
    assert_eq!(media.len(), finished.len());
    // With 8 at once, some request arrives while an earlier one is still
    // inside its 100 ms latency: at least 4 within one latency window.
    let most_at_once = media
        .iter()
        .map(|a| {
            media
                .iter()
                .filter(|b| {
                    b.received >= a.received && b.received - a.received < Duration::from_millis(90)
                })
                .count()
        })
        .max()
        .unwrap();
    assert!(
        most_at_once >= 4,
        "at most {most_at_once} media requests overlapped"
    );
}

#[test]
fn malformed_input_exits_2_before_any_request() {
    let emulator = Emulator::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let file = dir.path().join("a-file");
    let missing = dir.path().join("none.sqlite");
    std::fs::write(&file, b"x").unwrap();
    let cases: Vec<Vec<&str>> = vec![
        vec!["sync", out, "--since", "yesterday"],
        vec!["sync", out, "--since", "2026-13-01"],
        vec!["sync", out, "--provider", "youtube"],
        vec!["sync", out, "--provider", "memories"],
        vec!["sync", out, "--concurrency", "0"],
        vec!["sync", out, "--account", " "],
        vec!["sync", file.to_str().unwrap()],
        vec!["sync"],
        vec!["jobs", "--state", "done"],
        vec!["jobs", "--ledger", missing.to_str().unwrap()],
        vec!["jobs", "retry", "--ledger", out],
        vec![
            "--save-bodies",
            out,
            "jobs",
            "--ledger",
            missing.to_str().unwrap(),
        ],
    ];
    for args in cases {
        let outcome = run(&mut vidapi(&emulator), &args);
        assert_eq!(outcome.code, 2, "{args:?}: {}", outcome.stderr);
        assert!(!outcome.stderr.is_empty(), "{args:?} said nothing");
    }
    assert!(emulator.requests().is_empty(), "a request was sent");
    assert!(!missing.exists(), "a typo made a ledger");
}

#[test]
fn since_keeps_only_the_newer_videos() {
    let emulator = Emulator::start().unwrap();
    let finished = finished_pixverse(&emulator);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let future = run(
        &mut vidapi(&emulator),
        &[
            "--json",
            "sync",
            out,
            "--provider",
            "pixverse",
            "--since",
            "2999-01-01",
        ],
    );
    assert_eq!(future.code, 0, "{}", future.stderr);
    assert_eq!(summary(&future.stdout)["new"], 0);
    let past = run(
        &mut vidapi(&emulator),
        &[
            "--json",
            "sync",
            out,
            "--provider",
            "pixverse",
            "--since",
            "2000-01-01T00:00:00Z",
        ],
    );
    assert_eq!(summary(&past.stdout)["new"], finished.len());
}

#[test]
fn minimax_videos_go_to_their_account_folder() {
    let emulator = Emulator::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let synced = run(
        &mut vidapi(&emulator),
        &["--json", "sync", out, "--provider", "minimax"],
    );
    assert_eq!(synced.code, 0, "{}", synced.stderr);
    let counted = summary(&synced.stdout);
    assert!(counted["new"].as_u64().unwrap() > 0);
    assert_eq!(counted["accounts"][0]["account"], "account");
    let files = walk(&dir.path().join("minimax/account"));
    let media: Vec<_> = files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "mp4"))
        .collect();
    assert_eq!(media.len() as u64, counted["new"].as_u64().unwrap());
    for path in media {
        let meta: serde_json::Value =
            serde_json::from_slice(&std::fs::read(path.with_extension("json")).unwrap()).unwrap();
        // The item as the list sent it: its documented placeholder URL kept.
        assert!(
            meta["videoId"]
                .as_str()
                .unwrap()
                .contains("-minimax:account-video:")
        );
        assert_eq!(meta["status"], 2);
    }
}

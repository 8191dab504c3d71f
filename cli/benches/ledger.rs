//! The job ledger and `vidapi sync` (issue 26's targets):
//!
//! - `ledger/state change`: one committed job state change (WAL,
//!   `synchronous = FULL`), on a file ledger. Target: under 2 ms.
//! - `jobs/100k rows`: `vidapi jobs` (table, and `--json`) over a ledger of
//!   100,000 rows, the whole process, output to /dev/null. Target: under 1 s.
//! - `sync/1000 videos`: `vidapi sync` of 1,000 finished emulator videos
//!   whose media host answers after 20 ms, then 50 ms, at the default
//!   concurrency (16) and one at a time (`--concurrency 1`). Target: at
//!   least 6 × faster.
//!   Each sync takes seconds, so it is timed directly (3 runs each, the
//!   median), not through criterion's sampling.
//! - `generate --batch/200 jobs`: 200 jobs over 4 emulator accounts
//!   (`maxJobs` 3, 2 s of generation) against the capacity bound,
//!   ceil(200 / 12) × 2 s plus one download. Target: within 1.10 ×.
//!   Beside it, one job at a time over 10 jobs. Timed directly, once.
//!
//! Run with `cargo bench -p vidapi-cli --bench ledger`.

// The ledger is the command's module; the bench builds it in as its own
// (its unit tests too, when built as a test, which has no harness here to
// run them: hence the allowances).
#[path = "../src/ledger/mod.rs"]
#[allow(dead_code, unused_imports)]
mod ledger;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group};
use ledger::{Change, Ledger, NewJob, SqliteLedger, State};

fn jobs(batch: &str, n: u64) -> Vec<NewJob> {
    (1..=n)
        .map(|line| NewJob {
            batch: batch.to_owned(),
            line,
            key: ledger::line_key("bench", line, batch),
            provider: "minimax".to_owned(),
            request: serde_json::json!({"prompt": format!("a cat, take {line}"), "model": "hailuo-02"}),
            account: None,
        })
        .collect()
}

fn state_change(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let ledger = SqliteLedger::open(&dir.path().join("ledger.sqlite")).unwrap();
    ledger.plan(&jobs("b", 1)).unwrap();
    let job = ledger.claim_next("b").unwrap().unwrap();
    ledger.submitted(job.id, "acc", "v1").unwrap();
    ledger.finished(job.id).unwrap();
    let file = ledger::FileRecord {
        path: "v1.mp4".into(),
        size: 1,
        sha256: ledger::sha256_hex(b"x"),
    };
    // final ⇄ downloaded: two moves the state machine allows, forever.
    let mut to = State::Downloaded;
    c.bench_function("ledger/state change", |b| {
        b.iter(|| {
            let change = Change {
                file: (to == State::Downloaded).then(|| file.clone()),
                ..Change::default()
            };
            ledger.transition(job.id, to, change).unwrap();
            to = if to == State::Downloaded {
                State::Final
            } else {
                State::Downloaded
            };
        })
    });
    // A fresh batch for each sample, planned outside the timing.
    let mut sample = 0;
    c.bench_function("ledger/claim next (intent)", |b| {
        b.iter_custom(|iters| {
            sample += 1;
            let batch = format!("c{sample}");
            ledger.plan(&jobs(&batch, iters)).unwrap();
            let start = Instant::now();
            for _ in 0..iters {
                ledger.claim_next(&batch).unwrap().unwrap();
            }
            start.elapsed()
        })
    });
}

fn vidapi() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_vidapi"));
    for var in vidapi::env::VARIABLES {
        cmd.env_remove(var);
    }
    cmd.env("VIDAPI_SHARED_PACING", "0");
    cmd
}

fn run_quiet(cmd: &mut Command) {
    let status = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
}

fn jobs_100k(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.sqlite");
    {
        let ledger = SqliteLedger::open(&path).unwrap();
        ledger.plan(&jobs("big", 100_000)).unwrap();
        // A realistic mix: most downloaded, some failed.
        for id in (1..=100_000).step_by(97) {
            let _ = ledger.transition(id, State::Submitting, Change::default());
            let _ = ledger.failed(id, "422 moderated");
        }
    }
    let mut group = c.benchmark_group("jobs/100k rows");
    group.sample_size(10);
    group.bench_function("table", |b| {
        b.iter(|| run_quiet(vidapi().args(["jobs", "--ledger"]).arg(&path)))
    });
    group.bench_function("json", |b| {
        b.iter(|| run_quiet(vidapi().args(["--json", "jobs", "--ledger"]).arg(&path)))
    });
    group.bench_function("state failed", |b| {
        b.iter(|| {
            run_quiet(
                vidapi()
                    .args(["jobs", "--state", "failed", "--ledger"])
                    .arg(&path),
            )
        })
    });
    group.finish();
}

/// One whole `vidapi sync` into a fresh folder, at `concurrency` (`None`:
/// the command's default); how long it took.
fn one_sync(emulator: &vidapi::emulator::Emulator, concurrency: Option<&str>) -> Duration {
    let dir = tempfile::tempdir().unwrap();
    let base = emulator.base_url();
    let start = Instant::now();
    run_quiet(
        vidapi()
            .env("USEAPI_TOKEN", vidapi::emulator::USEAPI_TOKEN)
            .env("USEAPI_BASE_URL", base)
            .args(["sync", "--provider", "pixverse"])
            .args(
                concurrency
                    .map(|n| ["--concurrency", n])
                    .into_iter()
                    .flatten(),
            )
            .arg(dir.path()),
    );
    let took = start.elapsed();
    let files = count_media(dir.path());
    assert_eq!(files, 1000, "the sync mirrored {files} files");
    drop(dir);
    settle();
    took
}

/// Lets the filesystem settle after a run's 3 GB were removed, so the
/// next run is not charged for it: the removal is written back, and ext4
/// (without a journal, as here) no longer skips the freed inodes as
/// recently deleted when it allocates new ones (a 5 s window once written).
fn settle() {
    #[cfg(unix)]
    // SAFETY: sync(2) takes no arguments and cannot fail.
    unsafe {
        libc::sync()
    };
    std::thread::sleep(Duration::from_secs(6));
}

fn count_media(dir: &Path) -> usize {
    std::fs::read_dir(dir.join("pixverse/me@example.com"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "mp4"))
        })
        .count()
}

/// How many PixVerse videos the emulator must list for 1,000 of them to
/// be finished.
fn count_for_1000(emulator: &vidapi::emulator::Emulator) -> usize {
    let config = vidapi::Config::new().base_url(emulator.base_url());
    let useapi = vidapi::UseApi::with_config(vidapi::emulator::USEAPI_TOKEN, config).unwrap();
    emulator.set_pixverse_video_count(4000);
    let mut finished = 0;
    for (i, video) in useapi.pixverse().videos_iter(None).enumerate() {
        let video = vidapi::view::Video::from(&video.unwrap());
        if video.stage == vidapi::view::Stage::Completed && video.file_url.is_some() {
            finished += 1;
            if finished == 1000 {
                return i + 1;
            }
        }
    }
    panic!("the emulator lists fewer than 1,000 finished videos in 4,000");
}

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn sync_1000() {
    let emulator = vidapi::emulator::Emulator::start().unwrap();
    // About half of the emulator's PixVerse videos are finished: list
    // enough to make 1,000 to fetch (checked by `one_sync`).
    emulator.set_pixverse_video_count(count_for_1000(&emulator));
    // VIDAPI_BENCH_MEDIA_LATENCY_MS: other latencies than 20 and 50 ms
    // (comma-separated).
    let latencies: Vec<u64> = std::env::var("VIDAPI_BENCH_MEDIA_LATENCY_MS")
        .ok()
        .map(|ms| {
            ms.split(',')
                .filter_map(|m| m.trim().parse().ok())
                .collect()
        })
        .unwrap_or_else(|| vec![20, 50]);
    // VIDAPI_BENCH_SYNC_CONCURRENCY: another than the command's default.
    let chosen = std::env::var("VIDAPI_BENCH_SYNC_CONCURRENCY").ok();
    for latency in latencies {
        emulator.set_media_latency(Duration::from_millis(latency));
        let concurrent = median(
            (0..3)
                .map(|_| one_sync(&emulator, chosen.as_deref()))
                .collect(),
        );
        let sequential = median((0..3).map(|_| one_sync(&emulator, Some("1"))).collect());
        println!(
            "sync/1000 videos, {latency} ms media latency: concurrency {} {:.2} s, one at a time {:.2} s: {:.1} × faster",
            chosen.as_deref().unwrap_or("default"),
            concurrent.as_secs_f64(),
            sequential.as_secs_f64(),
            sequential.as_secs_f64() / concurrent.as_secs_f64()
        );
    }
}

/// `vidapi generate --batch` of 200 one-line MiniMax jobs over 4 emulator
/// accounts (`maxJobs` 3 each, 2 s of generation): its wall time against
/// the capacity bound, ceil(200 / 12) × 2 s plus one download; beside it,
/// useapi.net's one job at a time (`generate --wait --download`), timed
/// over 10 jobs. One run each: the batch alone takes half a minute.
fn batch_200() {
    use vidapi::emulator::{Account, Generation};
    let emulator = vidapi::emulator::Emulator::start().unwrap();
    for name in ["a2", "a3", "a4"] {
        let account = Account {
            max_jobs: 3,
            ..Account::default()
        };
        emulator.set_account(vidapi::Provider::MiniMax, name, account);
    }
    emulator.set_generation(Generation {
        queued: Duration::ZERO,
        generating: Duration::from_secs(2),
    });
    let dir = tempfile::tempdir().unwrap();
    let lines: String = (1..=200)
        .map(|n| format!("{{\"provider\": \"minimax\", \"prompt\": \"a kite, take {n}\"}}\n"))
        .collect();
    let batch = dir.path().join("b200.jsonl");
    std::fs::write(&batch, lines).unwrap();
    let with_emulator = |cmd: &mut Command| {
        cmd.env("USEAPI_TOKEN", vidapi::emulator::USEAPI_TOKEN)
            .env("USEAPI_BASE_URL", emulator.base_url());
    };
    let out = dir.path().join("v200");
    let mut cmd = vidapi();
    with_emulator(&mut cmd);
    cmd.args(["generate", "--batch"])
        .arg(&batch)
        .arg("--out")
        .arg(&out);
    let start = Instant::now();
    run_quiet(&mut cmd);
    let took = start.elapsed();
    let created = emulator.created().len();
    assert_eq!(created, 200, "{created} creates for 200 lines");

    // The bound's "one download": one finished video fetched alone, the
    // whole process.
    let one = dir.path().join("one");
    std::fs::create_dir(&one).unwrap();
    let mut cmd = vidapi();
    with_emulator(&mut cmd);
    cmd.args([
        "download",
        "minimax",
        "user:user_id-minimax:account-video:video_id_#2",
    ])
    .arg("-o")
    .arg(format!("{}/", one.display()));
    let start = Instant::now();
    run_quiet(&mut cmd);
    let download = start.elapsed().as_secs_f64();
    let start = Instant::now();
    for n in 0..10 {
        let mut cmd = vidapi();
        with_emulator(&mut cmd);
        cmd.args([
            "generate",
            "minimax",
            "--prompt",
            &format!("a kite, alone {n}"),
        ])
        .args(["--wait", "--download"])
        .arg(format!("{}/", one.display()));
        run_quiet(&mut cmd);
    }
    let ten = start.elapsed();
    let generation = 2.0;
    let bound = (200f64 / 12.0).ceil() * generation + download;
    println!(
        "generate --batch/200 jobs: {:.2} s, {:.3} × the capacity bound of {bound:.2} s \
         (17 waves of 2 s, plus one download of {download:.2} s); one at a time: {:.2} s \
         for 10 jobs, ≈ {:.0} s for 200",
        took.as_secs_f64(),
        took.as_secs_f64() / bound,
        ten.as_secs_f64(),
        ten.as_secs_f64() * 20.0
    );
}

criterion_group!(benches, state_change, jobs_100k);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    // VIDAPI_BENCH_SKIP_SYNC=1: the criterion benchmarks only.
    if std::env::var_os("VIDAPI_BENCH_SKIP_SYNC").is_none() {
        sync_1000();
    }
    // VIDAPI_BENCH_SKIP_BATCH=1: without the 200-job batch.
    if std::env::var_os("VIDAPI_BENCH_SKIP_BATCH").is_none() {
        batch_200();
    }
}

//! The job ledger and `vidapi sync` (issue 26's targets):
//!
//! - `ledger/state change`: one committed job state change (WAL,
//!   `synchronous = FULL`), on a file ledger. Target: under 2 ms.
//! - `jobs/100k rows`: `vidapi jobs` (table, and `--json`) over a ledger of
//!   100,000 rows, the whole process, output to /dev/null. Target: under 1 s.
//! - `sync/1000 videos`: `vidapi sync` of 1,000 finished emulator videos
//!   whose media host answers after 20 ms, at the default concurrency (8)
//!   and one at a time (`--concurrency 1`). Target: at least 6 × faster.
//!   Each sync takes seconds, so it is timed directly (3 runs each, the
//!   median), not through criterion's sampling.
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

/// One whole `vidapi sync` into a fresh folder; how long it took.
fn one_sync(emulator: &vidapi::emulator::Emulator, concurrency: &str) -> Duration {
    let dir = tempfile::tempdir().unwrap();
    let base = emulator.base_url();
    let start = Instant::now();
    run_quiet(
        vidapi()
            .env("USEAPI_TOKEN", vidapi::emulator::USEAPI_TOKEN)
            .env("USEAPI_BASE_URL", base)
            .args([
                "sync",
                "--provider",
                "pixverse",
                "--concurrency",
                concurrency,
            ])
            .arg(dir.path()),
    );
    let took = start.elapsed();
    let files = count_media(dir.path());
    assert_eq!(files, 1000, "the sync mirrored {files} files");
    took
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
    // VIDAPI_BENCH_MEDIA_LATENCY_MS: another latency than 20 ms.
    let latency: u64 = std::env::var("VIDAPI_BENCH_MEDIA_LATENCY_MS")
        .ok()
        .and_then(|ms| ms.parse().ok())
        .unwrap_or(20);
    emulator.set_media_latency(Duration::from_millis(latency));
    let concurrent = median((0..3).map(|_| one_sync(&emulator, "8")).collect());
    let sequential = median((0..3).map(|_| one_sync(&emulator, "1")).collect());
    println!(
        "sync/1000 videos, {latency} ms media latency: concurrency 8 {:.2} s, one at a time {:.2} s: {:.1} × faster",
        concurrent.as_secs_f64(),
        sequential.as_secs_f64(),
        sequential.as_secs_f64() / concurrent.as_secs_f64()
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
}

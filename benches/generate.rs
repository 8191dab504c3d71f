//! `vidapi::generate` end to end against the emulator, its generation set
//! to 2 s (0.5 s queued, 1.5 s generating): submit (one
//! `scheduler/available` read, one create), wait, download. The issue's
//! target: within 1.2 × the generation time plus the download.
//!
//! Rows: the download alone (a completed video's 3 MiB file), then the
//! whole `generate`, and the whole `generate` when the create answers 502
//! after accepting (reconciled, not resent). The wait polls as the
//! command does: every 250 ms for the first 30 s.

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use vidapi::Provider;
use vidapi::accounts::{Accounts, Scope};
use vidapi::download::Options;
use vidapi::emulator::{AfterAccept, Emulator, Generation, USEAPI_TOKEN};
use vidapi::generate::{Generator, Job, Submitted};
use vidapi::view::Video;
use vidapi::{Config, UseApi};

const GENERATION: Generation = Generation {
    queued: Duration::from_millis(500),
    generating: Duration::from_millis(1500),
};
const POLL: Duration = Duration::from_millis(250);

fn generate(accounts: &Accounts, dir: &std::path::Path) -> u64 {
    let useapi = accounts.useapi.as_ref().unwrap();
    let plan = Job::new(Provider::MiniMax, "a red kite over the sea")
        .plan()
        .unwrap();
    let Submitted::Created(made) = Generator::new().useapi(useapi).submit(&plan).unwrap() else {
        panic!("not created")
    };
    let scope = Scope::default();
    let timeout = Duration::from_secs(30);
    let done = accounts
        .wait_for(Provider::MiniMax, &made.id, &scope, timeout, POLL, |_| {})
        .unwrap();
    let video = Video::from(&done);
    let options = Options {
        overwrite: true,
        ..Options::default()
    };
    let file = accounts
        .download_video(&video, Some(dir), &options, |_| {})
        .unwrap();
    file.bytes
}

fn bench(c: &mut Criterion) {
    let emulator = Emulator::start().unwrap();
    emulator.set_generation(GENERATION);
    let config = Config::new().base_url(emulator.base_url());
    let accounts = Accounts {
        useapi: Some(UseApi::with_config(USEAPI_TOKEN, config).unwrap()),
        ..Default::default()
    };
    let dir = std::env::temp_dir().join(format!("vidapi-bench-generate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut group = c.benchmark_group("generate, 2 s generation");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(30));
    let url = format!("{}/media/minimax/bench.mp4", emulator.base_url());
    let downloader = vidapi::download::Downloader::new(Provider::MiniMax, &Config::new()).unwrap();
    let downloader = downloader.with_options(Options {
        overwrite: true,
        ..Options::default()
    });
    group.bench_function("download alone (3 MiB)", |b| {
        b.iter(|| {
            downloader
                .fetch(&url, &dir.join("alone.mp4"), |_| {})
                .unwrap()
        })
    });
    group.bench_function("generate --wait --download", |b| {
        b.iter(|| generate(&accounts, &dir))
    });
    group.bench_function("generate --wait --download, 502 after accept", |b| {
        b.iter(|| {
            emulator.after_accept(1, AfterAccept::Status(502));
            generate(&accounts, &dir)
        })
    });
    group.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, bench);
criterion_main!(benches);

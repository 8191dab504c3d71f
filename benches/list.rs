//! `Accounts::list` over four providers whose first answer takes 200 ms:
//! asked side by side, the listing should take about as long as the
//! slowest provider alone, not the sum of them.
//!
//! Rows: each provider listed alone (its first request delayed 200 ms by
//! the emulator), then all four through `Accounts::list` (each first request
//! delayed). Compare the last row with the slowest of the others. Later
//! pages are not delayed; memories.ai's are paced (5 per second), which
//! makes it the slowest provider here (45 videos, three pages).

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use vidapi::accounts::Accounts;
use vidapi::emulator::{Emulator, Fault, HOURONE_KEY, MEMORIES_KEY, USEAPI_TOKEN};
use vidapi::{Config, HourOne, Memories, UseApi};

const DELAY: Duration = Duration::from_millis(200);

fn list(c: &mut Criterion) {
    let emulator = Emulator::start().unwrap();
    let config = Config::new().base_url(emulator.base_url());
    let accounts = Accounts {
        useapi: Some(UseApi::with_config(USEAPI_TOKEN, config.clone()).unwrap()),
        hourone: Some(HourOne::with_config(HOURONE_KEY, config.clone()).unwrap()),
        memories: Some(Memories::with_config(MEMORIES_KEY, config).unwrap()),
    };
    let mut group = c.benchmark_group("list, four providers answering in 200 ms");
    group.sample_size(10);
    for provider in accounts.providers() {
        group.bench_function(format!("{provider}, alone"), |b| {
            b.iter(|| {
                emulator.fail_next(1, Fault::stall(DELAY));
                accounts.videos_of(provider).unwrap()
            })
        });
    }
    group.bench_function("Accounts::list", |b| {
        b.iter(|| {
            emulator.fail_next(4, Fault::stall(DELAY));
            let listing = accounts.list();
            assert!(listing.failures.is_empty(), "{:?}", listing.failures);
            listing
        })
    });
    group.finish();
    assert_eq!(emulator.pending_faults(), 0, "every provider was delayed");
}

criterion_group!(benches, list);
criterion_main!(benches);

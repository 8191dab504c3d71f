//! One client shared by many threads against an emulator injecting faults.

use std::sync::mpsc;
use std::time::Duration;

use vidapi::emulator::{Emulator, Fault, USEAPI_TOKEN};
use vidapi::{Config, Error, RetryPolicy, UseApi};

const THREADS: usize = 16;
const CALLS: usize = 200;

#[derive(Default, Debug)]
struct Tally {
    injected_500: usize,
    ok: usize,
    server_errors: usize,
    exhausted: usize,
    unexpected: Vec<String>,
}

fn worker(client: &UseApi, emulator: &Emulator, seed: u64) -> Tally {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut tally = Tally::default();
    for call in 0..CALLS {
        // Now and then, queue a fault for whichever request comes next.
        match rng.u8(0..20) {
            0 => emulator.fail_next(1, Fault::rate_limited(Some("0"))),
            1 => emulator.fail_next(1, Fault::html(502)),
            2 => {
                emulator.fail_next(1, Fault::json(500, r#"{"error":"boom","code":500}"#));
                tally.injected_500 += 1;
            }
            3 => emulator.fail_next(1, Fault::stall(Duration::from_millis(5))),
            _ => {}
        }
        let outcome = match call % 3 {
            0 => client
                .minimax()
                .videos(None)
                .map(|v| v.len() == vidapi::minimax::DEFAULT_PAGE_SIZE as usize),
            1 => {
                let limit = rng.u32(1..=10);
                client
                    .minimax()
                    .files(None, Some(limit))
                    .map(|f| f.len() == limit as usize)
            }
            _ => {
                let offset = rng.u32(0..50);
                client
                    .pixverse()
                    .videos(None, Some(5), Some(offset))
                    .map(|p| {
                        p.total.and_then(|t| t.get()) == Some(55)
                            && p.next_offset.and_then(|n| n.get())
                                == Some(i64::from((offset + 5).min(55)))
                    })
            }
        };
        match outcome {
            Ok(true) => tally.ok += 1,
            Ok(false) => tally.unexpected.push(format!("call {call}: wrong payload")),
            Err(Error::Api { status: 500, .. }) => tally.server_errors += 1,
            // Three retryable faults in a row for one call exhaust its budget.
            Err(Error::Api { status: 502, .. } | Error::RateLimited { .. }) => tally.exhausted += 1,
            Err(other) => tally.unexpected.push(format!("call {call}: {other}")),
        }
    }
    tally
}

#[test]
fn sixteen_threads_share_one_client_under_random_faults() {
    let emulator = Emulator::start().unwrap();
    let client = UseApi::with_config(
        USEAPI_TOKEN,
        Config::new()
            .base_url(emulator.base_url())
            .timeout(Duration::from_secs(10))
            .retry(RetryPolicy {
                max_retries: 2,
                initial_backoff: Duration::from_millis(1),
                max_backoff: Duration::from_millis(4),
                max_retry_after: Duration::from_secs(1),
            }),
    )
    .unwrap();

    let (done, results) = mpsc::channel();
    std::thread::scope(|scope| {
        for t in 0..THREADS {
            let (client, emulator, done) = (client.clone(), &emulator, done.clone());
            scope.spawn(move || {
                let _ = done.send(worker(&client, emulator, t as u64));
            });
        }
        drop(done);
        let mut total = Tally::default();
        for _ in 0..THREADS {
            // A deadlock shows up here as a timeout instead of a hung test run.
            let tally = results
                .recv_timeout(Duration::from_secs(180))
                .expect("a worker finished within the time bound");
            total.injected_500 += tally.injected_500;
            total.ok += tally.ok;
            total.server_errors += tally.server_errors;
            total.exhausted += tally.exhausted;
            total.unexpected.extend(tally.unexpected);
        }
        assert!(
            total.unexpected.is_empty(),
            "{:?}",
            &total.unexpected[..total.unexpected.len().min(10)]
        );
        assert_eq!(
            total.ok + total.server_errors + total.exhausted,
            THREADS * CALLS
        );
        assert!(total.ok > THREADS * CALLS * 3 / 4, "{total:?}");
        assert!(total.server_errors > 0, "faults were injected: {total:?}");
        // A 500 is not retried, so it reaches a caller as one error; a
        // fault still queued at the end was never sent.
        assert!(total.server_errors <= total.injected_500, "{total:?}");
        // Each call made at least one request; exhausted calls made three.
        assert!(emulator.requests().len() >= THREADS * CALLS + 2 * total.exhausted);
    });
}

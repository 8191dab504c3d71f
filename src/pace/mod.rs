//! Client-side pacing: keeps each endpoint within its provider's documented
//! request rate, so a client never needs the provider's rate-limit answers
//! to slow it down.
//!
//! A rate of `n` requests per window is kept strictly: requests are spaced
//! evenly, one every `window / n` (plus a small guard, see
//! [`Rate::spacing`]), rather than sent in a burst of `n` and then held. So
//! no window of that length, wherever it starts, ever holds more than `n`
//! requests, which is what a server counting with a sliding window checks.
//! Every attempt counts, retries included.
//!
//! The limiter of an endpoint is shared by every clone of a client and every
//! thread using it; two clients made separately do not share one, and
//! neither do two processes: **pacing is per client** unless it is opted
//! into sharing. With [`Config::shared_pacing`](crate::Config::shared_pacing)
//! naming a directory, every client given that directory, in any process
//! on the machine, paces its requests together with the others sending to
//! the same host with the same credential ([`shared`]: a small locked state
//! file per limit). The `vidapi` command opts in, in [`default_dir`].
//! Endpoints with no documented limit are not paced.
//! [`Config::pace`](crate::Config::pace) changes one endpoint's rate (or
//! turns its pacing off) and [`Config::pacing`](crate::Config::pacing) turns
//! pacing off altogether.
//!
//! ```
//! use std::time::Duration;
//! use vidapi::pace::{Rate, documented};
//! let rate = documented(vidapi::memories::LIST_VIDEOS).unwrap();
//! assert_eq!(rate, Rate::per_second(5));
//! assert_eq!(rate.spacing(), Duration::from_millis(220));
//! ```

pub mod shared;

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use secrecy::SecretString;

use crate::config::Config;
use crate::error::Endpoint;
use shared::SharedLane;
pub use shared::default_dir;

/// A request rate: at most `requests` in any window of `per`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Rate {
    /// How many requests a window may hold (at least 1 is used).
    pub requests: u32,
    /// The window's length.
    pub per: Duration,
}

/// The guard added to each gap, as a fraction of it: 1/10 (10 %). Over a
/// window of `n` gaps it adds up to 10 % of the window (100 ms of a
/// second), so a request that reaches the server up to that much later
/// than the one five after it (network jitter, a busy machine) still does
/// not make the server count one request too many in a window.
const GUARD_DIVISOR: u32 = 10;

impl Rate {
    /// `requests` per second.
    pub const fn per_second(requests: u32) -> Rate {
        Rate {
            requests,
            per: Duration::from_secs(1),
        }
    }

    /// The gap kept between the starts of two requests: `per / requests`,
    /// plus a guard of 10 % of that. For memories.ai's 5 per second: 220 ms.
    pub fn spacing(&self) -> Duration {
        let even = self.per / self.requests.max(1);
        even + even / GUARD_DIVISOR
    }
}

/// The documented rate limit of an endpoint, if its provider documents one:
/// memories.ai's list videos, 5 requests per second. The original and the
/// v1 list endpoint are one list to the provider, so while both keep this
/// documented rate they share one limit: 5 per second between them. The
/// others have none documented, so they are not paced.
pub fn documented(endpoint: Endpoint) -> Option<Rate> {
    DOCUMENTED
        .iter()
        .find(|(e, _, _)| *e == endpoint)
        .map(|(_, rate, _)| *rate)
}

/// Documented limits: the endpoint, its rate, and the limit it counts
/// against (endpoints naming the same one share a limiter).
const DOCUMENTED: &[(Endpoint, Rate, &str)] = &[
    (
        crate::memories::LIST_VIDEOS,
        Rate::per_second(5),
        "memories.ai list",
    ),
    (
        crate::memories::LIST_VIDEOS_V1,
        Rate::per_second(5),
        "memories.ai list",
    ),
];

/// The limiters of one client, one per paced endpoint (endpoints that
/// share a documented limit share one), shared by its clones (through the
/// transport's `Arc`).
#[derive(Debug, Default)]
pub(crate) struct Pacer {
    lanes: Vec<(Endpoint, Arc<Lane>)>,
}

impl Pacer {
    /// One limiter for each endpoint that has a rate, documented or set in
    /// `config`; none when pacing is off. With a shared pacing directory in
    /// `config`, each limiter also paces with the other processes sending
    /// to `base` with `secret`.
    pub(crate) fn new(config: &Config, base: &str, secret: &SecretString) -> Pacer {
        if !config.pacing {
            return Pacer::default();
        }
        let make = |rate: Rate, name: &str| {
            let shared = config
                .pace_dir
                .as_deref()
                .map(|dir| SharedLane::new(dir, name, rate, base, secret));
            Arc::new(Lane::new(rate, shared))
        };
        let overridden = |endpoint: &Endpoint| config.rates.iter().any(|(e, _)| e == endpoint);
        let mut lanes: Vec<(Endpoint, Arc<Lane>)> = Vec::new();
        let mut shared: Vec<(&str, Arc<Lane>)> = Vec::new();
        for (endpoint, rate, limit) in DOCUMENTED {
            if overridden(endpoint) {
                continue;
            }
            let lane = match shared.iter().find(|(name, _)| name == limit) {
                Some((_, lane)) => lane.clone(),
                None => {
                    let lane = make(*rate, limit);
                    shared.push((limit, lane.clone()));
                    lane
                }
            };
            lanes.push((*endpoint, lane));
        }
        for (endpoint, rate) in &config.rates {
            if let Some(rate) = rate {
                lanes.push((*endpoint, make(*rate, &endpoint.to_string())));
            }
        }
        Pacer { lanes }
    }

    /// Blocks until `endpoint` may send its next request, and returns how
    /// long that took (zero for an endpoint that is not paced).
    pub(crate) fn wait(&self, endpoint: Endpoint) -> Duration {
        self.lanes
            .iter()
            .find(|(e, _)| *e == endpoint)
            .map_or(Duration::ZERO, |(_, lane)| lane.wait())
    }
}

/// One endpoint's limiter: the time the last request was let through,
/// and the state shared with other processes when there is one.
#[derive(Debug)]
struct Lane {
    spacing: Duration,
    last: Mutex<Option<Instant>>,
    shared: Option<SharedLane>,
}

impl Lane {
    fn new(rate: Rate, shared: Option<SharedLane>) -> Lane {
        Lane {
            spacing: rate.spacing(),
            last: Mutex::new(None),
            shared,
        }
    }

    /// Waits until `spacing` has passed since the last request was let
    /// through, then (when shared) for this request's slot among every
    /// process's; returns how long it waited.
    fn wait(&self) -> Duration {
        let start = Instant::now();
        self.let_through();
        if let Some(shared) = &self.shared {
            shared.wait();
        }
        start.elapsed()
    }

    /// Waits for this request's turn and returns the instant it was let
    /// through. That instant is read after any sleep, under the lock: a
    /// thread that wakes late pushes the next request back rather than
    /// crowding it, so consecutive requests always leave at least
    /// `spacing` apart.
    fn let_through(&self) -> Instant {
        loop {
            let mut last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
            let now = Instant::now();
            match *last {
                Some(previous) if now < previous + self.spacing => {
                    let pause = previous + self.spacing - now;
                    drop(last);
                    std::thread::sleep(pause);
                }
                _ => {
                    *last = Some(now);
                    return now;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Provider;

    const ENDPOINT: Endpoint = Endpoint::new(Provider::HourOne, "test");
    const BASE: &str = "http://127.0.0.1:1";

    fn key() -> SecretString {
        SecretString::from("key")
    }

    #[test]
    fn spacing_is_the_even_share_plus_a_guard() {
        assert_eq!(Rate::per_second(5).spacing(), Duration::from_millis(220));
        assert_eq!(Rate::per_second(1).spacing(), Duration::from_millis(1100));
        // Zero requests is read as one, never a division by zero.
        assert_eq!(Rate::per_second(0).spacing(), Duration::from_millis(1100));
    }

    #[test]
    fn config_overrides_and_turns_off() {
        let list = crate::memories::LIST_VIDEOS;
        let v1 = crate::memories::LIST_VIDEOS_V1;
        let default = Pacer::new(&Config::new(), BASE, &key());
        assert_eq!(default.lanes.len(), 2);
        // The two list endpoints count against one documented limit.
        let lane = |pacer: &Pacer, endpoint| {
            let (_, lane) = pacer.lanes.iter().find(|(e, _)| *e == endpoint).unwrap();
            Arc::clone(lane)
        };
        assert!(Arc::ptr_eq(&lane(&default, list), &lane(&default, v1)));
        // Given a rate of its own, an endpoint has a limiter of its own.
        let apart = Pacer::new(
            &Config::new().pace(v1, Some(Rate::per_second(5))),
            BASE,
            &key(),
        );
        assert!(!Arc::ptr_eq(&lane(&apart, list), &lane(&apart, v1)));

        let off = Pacer::new(&Config::new().pacing(false), BASE, &key());
        assert!(off.lanes.is_empty());

        let changed = Pacer::new(
            &Config::new()
                .pace(list, None)
                .pace(ENDPOINT, Some(Rate::per_second(2))),
            BASE,
            &key(),
        );
        assert!(changed.lanes.iter().all(|(e, _)| *e != list));
        let (_, lane) = changed.lanes.iter().find(|(e, _)| *e == ENDPOINT).unwrap();
        assert_eq!(lane.spacing, Duration::from_millis(550));
        // Not paced: no wait at all, however many requests.
        for _ in 0..100 {
            assert_eq!(changed.wait(list), Duration::ZERO);
        }
    }

    #[test]
    fn only_a_shared_pacing_folder_shares_and_only_per_host_and_key() {
        let dir = std::path::Path::new("/nonexistent/pace");
        let path = |pacer: &Pacer, endpoint| {
            let (_, lane) = pacer.lanes.iter().find(|(e, _)| *e == endpoint).unwrap();
            lane.shared.as_ref().map(|s| format!("{s:?}"))
        };
        let list = crate::memories::LIST_VIDEOS;
        let per_client = Pacer::new(&Config::new(), BASE, &key());
        assert_eq!(path(&per_client, list), None);
        let config = Config::new().shared_pacing(dir);
        let one = Pacer::new(&config, BASE, &key());
        let two = Pacer::new(&config, BASE, &key());
        assert!(path(&one, list).is_some());
        // Two clients, one state: the same file.
        assert_eq!(path(&one, list), path(&two, list));
        // The v1 endpoint counts against the same limit.
        assert_eq!(
            path(&one, list),
            path(&one, crate::memories::LIST_VIDEOS_V1)
        );
        let other_key = Pacer::new(&config, BASE, &SecretString::from("other"));
        assert_ne!(path(&one, list), path(&other_key, list));
        let other_host = Pacer::new(&config, "http://127.0.0.1:2", &key());
        assert_ne!(path(&one, list), path(&other_host, list));
        // No credential in what a lane shows.
        assert!(!path(&one, list).unwrap().contains("key\""));
    }

    #[test]
    fn requests_leave_at_least_one_spacing_apart_across_threads() {
        let lane = Lane::new(Rate::per_second(50), None);
        let lets = Mutex::new(Vec::new());
        std::thread::scope(|scope| {
            for _ in 0..4 {
                scope.spawn(|| {
                    for _ in 0..3 {
                        let at = lane.let_through();
                        lets.lock().unwrap().push(at);
                    }
                });
            }
        });
        let mut lets = lets.into_inner().unwrap();
        lets.sort();
        assert_eq!(lets.len(), 12);
        for pair in lets.windows(2) {
            assert!(pair[1] - pair[0] >= lane.spacing, "{:?}", pair[1] - pair[0]);
        }
    }
}

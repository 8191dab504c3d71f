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

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use secrecy::SecretString;

use crate::config::Config;
use crate::endpoint::Endpoint;
pub use crate::endpoint::Rate;
use shared::SharedLane;
pub use shared::default_dir;

/// The documented rate limit of an endpoint, if its provider documents one:
/// memories.ai's list videos, 5 requests per second. The original and the
/// v1 list endpoint are one list to the provider, so while both keep this
/// documented rate they share one limit: 5 per second between them. The
/// others have none documented, so they are not paced. The provider module
/// that declares an endpoint declares its rate with it; this reads it.
pub fn documented(endpoint: Endpoint) -> Option<Rate> {
    endpoint.limit().map(|limit| limit.rate)
}

/// The limiters of one client, shared by its clones (through the
/// transport's `Arc`): one for each endpoint the config gives a rate of
/// its own, made up front, and one for each documented limit, made when
/// the first endpoint counting against it is sent (endpoints that share a
/// documented limit share its limiter).
#[derive(Debug, Default)]
pub(crate) struct Pacer {
    /// What makes a limiter; `None` when pacing is off.
    maker: Option<LaneMaker>,
    /// The endpoints [`Config::pace`] named: their limiter, or `None` for
    /// an endpoint whose pacing it turned off.
    set: Vec<(Endpoint, Option<Arc<Lane>>)>,
    /// The limiters of documented limits, by the limit's name.
    documented: Mutex<Vec<(&'static str, Arc<Lane>)>>,
}

/// Makes limiters: in-process ones, each also shared with other processes
/// when `config` names a shared pacing directory.
#[derive(Debug)]
struct LaneMaker {
    dir: Option<PathBuf>,
    base: String,
    secret: SecretString,
}

impl LaneMaker {
    fn lane(&self, rate: Rate, name: &str) -> Arc<Lane> {
        let shared = self
            .dir
            .as_deref()
            .map(|dir| SharedLane::new(dir, name, rate, &self.base, &self.secret));
        Arc::new(Lane::new(rate, shared))
    }
}

impl Pacer {
    /// The limiters of a client of `config`; none when pacing is off. With
    /// a shared pacing directory in `config`, each limiter also paces with
    /// the other processes sending to `base` with `secret`.
    pub(crate) fn new(config: &Config, base: &str, secret: &SecretString) -> Pacer {
        if !config.pacing {
            return Pacer::default();
        }
        let maker = LaneMaker {
            dir: config.pace_dir.clone(),
            base: base.to_owned(),
            secret: secret.clone(),
        };
        let set = config
            .rates
            .iter()
            .map(|(endpoint, rate)| {
                let lane = rate.map(|rate| maker.lane(rate, &endpoint.to_string()));
                (*endpoint, lane)
            })
            .collect();
        Pacer {
            maker: Some(maker),
            set,
            documented: Mutex::default(),
        }
    }

    /// Blocks until `endpoint` may send its next request, and returns how
    /// long that took (zero for an endpoint that is not paced).
    pub(crate) fn wait(&self, endpoint: Endpoint) -> Duration {
        self.lane(endpoint)
            .map_or(Duration::ZERO, |lane| lane.wait())
    }

    /// The limiter `endpoint` is paced by, if it is paced: the one the
    /// config set, else its documented limit's. An endpoint with neither
    /// costs a look at the (usually empty) list the config set, no lock.
    fn lane(&self, endpoint: Endpoint) -> Option<Arc<Lane>> {
        let maker = self.maker.as_ref()?;
        if let Some((_, lane)) = self.set.iter().find(|(e, _)| *e == endpoint) {
            return lane.clone();
        }
        let limit = endpoint.limit()?;
        let mut lanes = self
            .documented
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some((_, lane)) = lanes.iter().find(|(name, _)| *name == limit.name) {
            return Some(Arc::clone(lane));
        }
        let lane = maker.lane(limit.rate, limit.name);
        lanes.push((limit.name, Arc::clone(&lane)));
        Some(lane)
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
    use crate::endpoint::Limit;
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

    // Two endpoints documented to count against one limit, as a provider
    // module declares them.
    const LIMIT: Limit = Limit {
        rate: Rate::per_second(5),
        name: "test list",
    };
    const LIST: Endpoint = Endpoint::new(Provider::Memories, "list").limited(&LIMIT);
    const V1: Endpoint = Endpoint::new(Provider::Memories, "list (v1)").limited(&LIMIT);

    #[test]
    fn documented_rates_come_from_the_endpoint() {
        assert_eq!(documented(LIST), Some(Rate::per_second(5)));
        assert_eq!(documented(ENDPOINT), None);
    }

    #[test]
    fn config_overrides_and_turns_off() {
        let default = Pacer::new(&Config::new(), BASE, &key());
        assert!(default.lane(ENDPOINT).is_none());
        // The two list endpoints count against one documented limit.
        let lane = |pacer: &Pacer, endpoint| pacer.lane(endpoint).unwrap();
        assert!(Arc::ptr_eq(&lane(&default, LIST), &lane(&default, V1)));
        assert_eq!(lane(&default, LIST).spacing, Duration::from_millis(220));
        // Given a rate of its own, an endpoint has a limiter of its own.
        let apart = Pacer::new(
            &Config::new().pace(V1, Some(Rate::per_second(5))),
            BASE,
            &key(),
        );
        assert!(!Arc::ptr_eq(&lane(&apart, LIST), &lane(&apart, V1)));

        let off = Pacer::new(&Config::new().pacing(false), BASE, &key());
        assert!(off.lane(LIST).is_none() && off.lane(V1).is_none());

        let changed = Pacer::new(
            &Config::new()
                .pace(LIST, None)
                .pace(ENDPOINT, Some(Rate::per_second(2))),
            BASE,
            &key(),
        );
        assert!(changed.lane(LIST).is_none());
        assert!(changed.lane(V1).is_some());
        assert_eq!(lane(&changed, ENDPOINT).spacing, Duration::from_millis(550));
        // Not paced: no wait at all, however many requests.
        for _ in 0..100 {
            assert_eq!(changed.wait(LIST), Duration::ZERO);
        }
    }

    #[test]
    fn only_a_shared_pacing_folder_shares_and_only_per_host_and_key() {
        let dir = std::path::Path::new("/nonexistent/pace");
        let path = |pacer: &Pacer, endpoint| {
            let lane = pacer.lane(endpoint).unwrap();
            lane.shared.as_ref().map(|s| format!("{s:?}"))
        };
        let list = LIST;
        let per_client = Pacer::new(&Config::new(), BASE, &key());
        assert_eq!(path(&per_client, list), None);
        let config = Config::new().shared_pacing(dir);
        let one = Pacer::new(&config, BASE, &key());
        let two = Pacer::new(&config, BASE, &key());
        assert!(path(&one, list).is_some());
        // Two clients, one state: the same file.
        assert_eq!(path(&one, list), path(&two, list));
        // The v1 endpoint counts against the same limit.
        assert_eq!(path(&one, list), path(&one, V1));
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

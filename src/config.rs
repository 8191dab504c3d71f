//! Settings shared by every client: where to connect, how long to wait,
//! how often to retry, how much to read.

use std::time::Duration;

/// How a client connects and behaves. The defaults suit production use;
/// every setter returns the config, so settings chain.
///
/// ```
/// use std::time::Duration;
/// let config = vidapi::Config::new()
///     .base_url("http://127.0.0.1:8080")
///     .timeout(Duration::from_secs(10))
///     .retry(vidapi::RetryPolicy::none());
/// let client = vidapi::HourOne::with_config("my-key", config)?;
/// # Ok::<(), vidapi::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub(crate) base_url: Option<String>,
    pub(crate) connect_timeout: Duration,
    pub(crate) timeout: Duration,
    pub(crate) user_agent: String,
    pub(crate) retry: RetryPolicy,
    pub(crate) max_body_bytes: u64,
    pub(crate) proxy: Option<String>,
    pub(crate) allow_http: bool,
    pub(crate) record_drift: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            base_url: None,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(60),
            user_agent: concat!("vidapi/", env!("CARGO_PKG_VERSION")).to_string(),
            retry: RetryPolicy::default(),
            max_body_bytes: 32 * 1024 * 1024,
            proxy: None,
            allow_http: false,
            record_drift: true,
        }
    }
}

impl Config {
    /// The defaults: the provider's production host, 10 s to connect, 60 s
    /// for a whole attempt, 32 MiB per body, [`RetryPolicy::default`], no proxy.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sends requests to this base URL instead of the provider's production
    /// host: a proxy in front of the API, or an emulator in tests. It takes
    /// the place of the whole documented base (for useapi.net, the host
    /// without `/v1/minimax`; for Hour One, including `/api/v1`).
    /// Plain `http://` is accepted only for loopback hosts unless
    /// [`Config::allow_http`] is set.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// How long to wait for a connection (DNS, TCP, TLS).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long one attempt may take in all, from connecting to the last
    /// byte of the body. Retries each get this much again.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The `User-Agent` header; `vidapi/<version>` by default.
    pub fn user_agent(mut self, agent: impl Into<String>) -> Self {
        self.user_agent = agent.into();
        self
    }

    /// When and how often to retry.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The largest response body read, in bytes, after decompression.
    pub fn max_body_bytes(mut self, limit: u64) -> Self {
        self.max_body_bytes = limit;
        self
    }

    /// Sends every request through this proxy (`http://host:port`,
    /// `socks5://host:port`). Proxy variables in the environment are
    /// ignored unless named here.
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = Some(url.into());
        self
    }

    /// Accepts a plain-`http://` base URL on a non-loopback host, which sends
    /// the credential unencrypted. Off by default.
    pub fn allow_http(mut self, allow: bool) -> Self {
        self.allow_http = allow;
        self
    }

    /// Whether responses are checked against their schemas while they are
    /// decoded, collecting [drift findings](crate::drift) that the client
    /// hands out with `drift()`. On by default; checking never fails a call.
    pub fn record_drift(mut self, record: bool) -> Self {
        self.record_drift = record;
        self
    }
}

/// When a failed call is tried again.
///
/// Only reads are retried: every GET, and memories.ai's list (a read sent
/// as POST). Retried answers: failed connections, HTTP 429, 502, 503, 504,
/// and memories.ai's code 0429. The wait doubles from `initial_backoff` up to
/// `max_backoff`, with jitter, unless the provider sent `Retry-After`, which
/// is honored up to `max_retry_after`: a longer demand ends the retries with
/// [`Error::RateLimited`](crate::Error::RateLimited) carrying it, so the
/// caller decides instead of a thread sleeping for an hour.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt; 0 disables retrying.
    pub max_retries: u32,
    /// The first wait.
    pub initial_backoff: Duration,
    /// The longest computed wait.
    pub max_backoff: Duration,
    /// The longest `Retry-After` obeyed.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        RetryPolicy {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// The wait before retry number `retry` (0-based): the provider's
    /// `Retry-After` when it sent one, else capped exponential backoff with
    /// "full jitter" so many clients do not retry in step. `None` when the
    /// provider's demand is beyond `max_retry_after`.
    pub(crate) fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Option<Duration> {
        if let Some(asked) = retry_after {
            return (asked <= self.max_retry_after).then_some(asked);
        }
        let ceiling = self
            .initial_backoff
            .saturating_mul(2u32.saturating_pow(retry))
            .min(self.max_backoff);
        // Between half the ceiling and the ceiling: never zero, never in step.
        let half = ceiling / 2;
        Some(half + half.mul_f64(fastrand::f64()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_caps_and_honors_retry_after() {
        let policy = RetryPolicy::default();
        for retry in 0..20 {
            let wait = policy.delay(retry, None).unwrap();
            assert!(wait <= policy.max_backoff, "{retry}: {wait:?}");
            assert!(wait >= policy.initial_backoff.min(policy.max_backoff) / 2);
        }
        assert!(policy.delay(3, None).unwrap() >= Duration::from_secs(2));
        assert_eq!(
            policy.delay(0, Some(Duration::from_secs(2))),
            Some(Duration::from_secs(2))
        );
        assert_eq!(policy.delay(0, Some(Duration::from_secs(3600))), None);
    }
}

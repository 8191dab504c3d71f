//! Settings shared by every client: where to connect, how long to wait,
//! how often to retry, how much to read.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};

use crate::endpoint::{Endpoint, Rate};
use crate::redact::userinfo;

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
///
/// `Debug` never shows a proxy's user name and password:
///
/// ```
/// let config = vidapi::Config::new().proxy("http://user:pass@proxy.internal:3128");
/// let shown = format!("{config:?}");
/// assert!(shown.contains("http://[redacted]@proxy.internal:3128"));
/// assert!(!shown.contains("pass"));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub(crate) base_url: Option<String>,
    pub(crate) connect_timeout: Duration,
    pub(crate) timeout: Duration,
    pub(crate) user_agent: String,
    pub(crate) retry: RetryPolicy,
    pub(crate) max_body_bytes: u64,
    pub(crate) proxy: Option<ProxyUrl>,
    pub(crate) allow_http: bool,
    pub(crate) record_drift: bool,
    pub(crate) pacing: bool,
    pub(crate) rates: Vec<(Endpoint, Option<Rate>)>,
    pub(crate) on_body: Option<BodyTap>,
    pub(crate) pace_dir: Option<PathBuf>,
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
            pacing: true,
            rates: Vec::new(),
            on_body: None,
            pace_dir: None,
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

    /// How long each phase of an attempt may take: sending the request,
    /// waiting for the answer's head, and receiving the whole body (so a
    /// server that trickles its body still times out). Connecting has its
    /// own [`connect_timeout`](Self::connect_timeout). Retries each get this
    /// much again.
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
    /// `socks5://host:port`, with `user:password@` before the host when it
    /// wants them). Proxy variables in the environment are ignored unless
    /// named here. The URL is kept as a secret: `Debug` shows it with its
    /// user name and password replaced by `[redacted]`, and errors have the
    /// URL, its user name and password, and its password removed.
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = Some(ProxyUrl(SecretString::from(url.into())));
        self
    }

    /// Whether requests are paced to keep each endpoint within its
    /// provider's documented rate ([`crate::pace`]: memories.ai's list, 5
    /// per second, spaced evenly). On by default; off sends every request
    /// at once and leaves rate limits to the provider's answers (429, 0429)
    /// and the retry policy.
    pub fn pacing(mut self, on: bool) -> Self {
        self.pacing = on;
        self
    }

    /// Keeps `endpoint` within `rate` instead of its documented rate
    /// ([`pace::documented`](crate::pace::documented)); `None` leaves it
    /// unpaced. Applies while [`Config::pacing`] is on.
    ///
    /// ```
    /// use vidapi::{Config, Rate};
    /// // A plan with a higher limit, and pacing off for the v1 endpoint.
    /// let config = Config::new()
    ///     .pace(vidapi::memories::LIST_VIDEOS, Some(Rate::per_second(20)))
    ///     .pace(vidapi::memories::LIST_VIDEOS_V1, None);
    /// ```
    pub fn pace(mut self, endpoint: Endpoint, rate: Option<Rate>) -> Self {
        self.rates.retain(|(e, _)| *e != endpoint);
        self.rates.push((endpoint, rate));
        self
    }

    /// Paces this client together with every other client given the same
    /// directory, in this process or any other on the machine, that sends
    /// to the same host with the same credential: they share each limit
    /// (memories.ai's 5 list requests per second) instead of having one
    /// each. Without it, **pacing is per client**: two clients, or two
    /// processes, each keep to the rate on their own and together exceed
    /// it. The `vidapi` command opts in, in
    /// [`pace::default_dir`](crate::pace::default_dir).
    ///
    /// The directory (created `0700` if missing) holds one small state
    /// file per limit, named after a SHA-256 of the host and credential;
    /// a state that cannot be used never stops a request, which is then
    /// paced within its client only, with a warning ([`crate::pace::shared`]).
    ///
    /// ```
    /// let dir = std::env::temp_dir().join("vidapi-doc-pace");
    /// let config = vidapi::Config::new().shared_pacing(&dir);
    /// let client = vidapi::Memories::with_config("my-key", config)?;
    /// # Ok::<(), vidapi::Error>(())
    /// ```
    pub fn shared_pacing(mut self, dir: impl Into<PathBuf>) -> Self {
        self.pace_dir = Some(dir.into());
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

    /// Calls `tap` with every 2xx response body as it was read, before it
    /// is decoded (so a body that then fails to decode is seen too), with
    /// the drift type it is checked as ([`Body`]). Retries are seen each.
    /// The typed answer is unchanged; without a tap nothing is copied.
    /// The body is the one [`max_body_bytes`](Self::max_body_bytes) bounds.
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    /// let seen = Arc::new(Mutex::new(Vec::new()));
    /// let keep = seen.clone();
    /// let config = vidapi::Config::new().on_body(move |body| {
    ///     let name = format!("{}-{}", body.provider, body.type_name);
    ///     keep.lock().unwrap().push((name, body.bytes.to_vec()));
    /// });
    /// # let _ = config;
    /// ```
    pub fn on_body(mut self, tap: impl Fn(&Body<'_>) + Send + Sync + 'static) -> Self {
        self.on_body = Some(BodyTap(Arc::new(tap)));
        self
    }
}

/// One 2xx response body, as [`Config::on_body`] hands it over.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct Body<'a> {
    /// The call it answered.
    pub endpoint: Endpoint,
    /// The schema folder of the type it is read as (`minimax`, `pixverse`,
    /// `hourone`, `memories`): the `<PROVIDER>` of `vidapi drift`.
    pub provider: &'a str,
    /// The type it is read as, as [`registry::find`](crate::registry::find)
    /// names it (`VideoPage`, `Video[]` for a bare array of `Video`s;
    /// `Video` for a single-video lookup): the `<TYPE>` of `vidapi drift`.
    pub type_name: &'a str,
    /// The HTTP status.
    pub status: u16,
    /// The body, byte for byte as it arrived (after decompression).
    pub bytes: &'a [u8],
}

/// The function [`Config::on_body`] set: configs compare equal when they
/// hold the same one.
#[derive(Clone)]
pub(crate) struct BodyTap(pub(crate) Arc<dyn Fn(&Body<'_>) + Send + Sync>);

impl PartialEq for BodyTap {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl fmt::Debug for BodyTap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BodyTap")
    }
}

/// A proxy URL, which may carry a user name and password: compared by
/// value, shown with its credentials redacted.
#[derive(Clone)]
pub(crate) struct ProxyUrl(SecretString);

impl ProxyUrl {
    /// The URL itself, for the HTTP agent only.
    pub(crate) fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// Every text an error must not show: the URL, its `user:password`
    /// (as written and percent-decoded) and its password alone. Empty when
    /// the URL carries no credentials.
    pub(crate) fn secrets(&self) -> Vec<String> {
        let url = self.expose();
        let Some(userinfo) = userinfo(url) else {
            return Vec::new();
        };
        let mut secrets = vec![url.to_owned(), userinfo.to_owned()];
        let decoded = percent_encoding::percent_decode_str(userinfo)
            .decode_utf8_lossy()
            .into_owned();
        let password = |info: &str| info.split_once(':').map(|(_, p)| p.to_owned());
        secrets.extend(password(userinfo));
        secrets.extend(password(&decoded));
        secrets.push(decoded);
        secrets.retain(|s| !s.is_empty());
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        secrets.dedup();
        secrets
    }

    /// The URL with its `user:password@` shown as `[redacted]@`.
    pub(crate) fn redacted(&self) -> String {
        let url = self.expose();
        match userinfo(url) {
            Some(info) => url.replacen(info, "[redacted]", 1),
            None => url.to_owned(),
        }
    }
}

impl PartialEq for ProxyUrl {
    fn eq(&self, other: &Self) -> bool {
        self.expose() == other.expose()
    }
}

impl fmt::Debug for ProxyUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.redacted(), f)
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

    #[test]
    fn proxy_credentials_are_secrets() {
        let proxy = |url: &str| ProxyUrl(SecretString::from(url.to_owned()));
        let with = proxy("http://us%40er:p%3Ass@proxy:3128/x?y@z");
        assert_eq!(
            format!("{with:?}"),
            "\"http://[redacted]@proxy:3128/x?y@z\""
        );
        let secrets = with.secrets();
        for expected in [
            "http://us%40er:p%3Ass@proxy:3128/x?y@z",
            "us%40er:p%3Ass",
            "us@er:p:ss",
            "p%3Ass",
            "p:ss",
        ] {
            assert!(
                secrets.iter().any(|s| s == expected),
                "{expected}: {secrets:?}"
            );
        }
        let plain = proxy("socks5://proxy:1080");
        assert!(plain.secrets().is_empty());
        assert_eq!(format!("{plain:?}"), "\"socks5://proxy:1080\"");
        assert_eq!(proxy("user:pw@host:1").redacted(), "[redacted]@host:1");
        assert_eq!(with, with.clone());
        assert_ne!(with, plain);
    }
}

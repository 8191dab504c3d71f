//! The log events of the transport (target `vidapi::transport::log`, this module's path): one per
//! API attempt and one per media request. What they show of a path is
//! [`redact::LogPath`](crate::redact::LogPath)'s business; no event ever
//! carries a credential, a proxy URL, a header, a body or an error's text.

use std::time::{Duration, Instant};

use super::request::Request;
use crate::error::{Endpoint, Error};
use crate::redact::{LogPath, log_url};

/// What one attempt saw of the answer, for its log event.
#[derive(Default)]
pub(super) struct Seen {
    pub status: Option<u16>,
    pub bytes: Option<u64>,
}

/// One attempt, as its log event tells it.
pub(super) struct Attempt<'a> {
    pub request: &'a Request,
    pub seen: &'a Seen,
    pub error: Option<&'a Error>,
    pub took: Duration,
    pub retry: u32,
    pub paced: Duration,
    pub wait: Option<Duration>,
}

/// Milliseconds, as log events give durations.
pub(super) fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// The attempt's `tracing` event: DEBUG, or INFO when it failed and is
/// retried. No credential, header, body or error text is in it, and the
/// path is shown as [`LogPath`] writes it.
pub(super) fn attempt(a: &Attempt<'_>) {
    let endpoint = a.request.endpoint;
    let method = a.request.method.as_str();
    // Formatted only if a subscriber takes the event.
    let path = LogPath {
        path: &a.request.path,
        query: &a.request.query,
    };
    let error = a.error.map(Error::kind);
    let code = a.error.and_then(Error::code);
    let wait_ms = a.wait.map(millis);
    macro_rules! attempt_event {
        ($level:expr, $message:literal) => {
            tracing::event!(
                $level,
                provider = %endpoint.provider,
                endpoint = endpoint.name,
                method,
                path = %path,
                status = a.seen.status,
                bytes = a.seen.bytes,
                ms = millis(a.took),
                retry = a.retry,
                paced_ms = millis(a.paced),
                wait_ms,
                error,
                code,
                $message
            )
        };
    }
    match (a.error, a.wait) {
        (None, _) => attempt_event!(tracing::Level::DEBUG, "attempt"),
        (Some(_), Some(_)) => attempt_event!(tracing::Level::INFO, "attempt failed; retrying"),
        (Some(_), None) => attempt_event!(tracing::Level::DEBUG, "attempt failed"),
    }
}

/// A media request's DEBUG event: the URL as [`log_url`] shows it, the
/// status, the byte it started from and how long the answer's head took
/// since `started` (measured only when the event is recorded).
pub(super) fn media(endpoint: Endpoint, url: &str, status: u16, from: u64, started: Instant) {
    tracing::debug!(
        provider = %endpoint.provider,
        endpoint = endpoint.name,
        method = "GET",
        path = %MediaPath(url),
        status,
        from,
        ms = millis(started.elapsed()),
        "media request"
    );
}

/// A media URL, formatted only when an event is recorded.
struct MediaPath<'a>(&'a str);

impl std::fmt::Display for MediaPath<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&log_url(self.0))
    }
}

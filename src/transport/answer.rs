//! The answer: its status (redirects and failures), the body limit, the
//! decode with its drift check, the [`Config::on_body`](crate::Config::on_body)
//! tap, and the errors that describe what came back.

use std::io::{self, Read};
use std::time::Duration;

use serde::de::DeserializeOwned;
use ureq::http::{HeaderMap, Response};

use super::Transport;
use super::log::Seen;
use crate::config::{Body, BodyTap};
use crate::drift::{self, Observed};
use crate::error::{Endpoint, Error, Failure, Result};

/// How much of a non-2xx body is read to find the provider's message.
const ERROR_BODY_LIMIT: u64 = 64 * 1024;
/// How much of a body is quoted in a decode error.
const SNIPPET_CHARS: usize = 200;

impl Transport {
    /// Reads an answer: a redirect or a non-2xx status is an error; a 2xx
    /// body is read within the body limit, tapped, and decoded as `T`.
    pub(super) fn read<T: DeserializeOwned + Observed>(
        &self,
        endpoint: Endpoint,
        response: Response<ureq::Body>,
        seen: &mut Seen,
    ) -> Result<T> {
        let status = response.status().as_u16();
        seen.status = Some(status);
        if (300..400).contains(&status) {
            let location = header_text(response.headers(), "location").unwrap_or_default();
            return Err(Error::Redirect {
                endpoint,
                status,
                location,
            });
        }
        if !(200..300).contains(&status) {
            return Err(self.failure(endpoint, response, seen));
        }
        let limit = self.inner.config.max_body_bytes;
        // The whole body is read before decoding: decoding from a slice is
        // faster than from a stream, lets keys be borrowed rather than
        // copied, and leaves the bytes for a second look when decoding fails.
        let announced =
            header_text(response.headers(), "content-length").and_then(|v| v.parse::<u64>().ok());
        // An answer that announces more than the limit fails before a byte
        // of it is read. Only when it is not compressed: the limit counts
        // the body after decompression, which the length does not tell.
        let compressed = header_text(response.headers(), "content-encoding")
            .is_some_and(|coding| !coding.trim().eq_ignore_ascii_case("identity"));
        if announced.is_some_and(|length| length > limit) && !compressed {
            return Err(Error::BodyTooLarge {
                endpoint,
                status,
                limit,
            });
        }
        let mut body = Vec::with_capacity(announced.unwrap_or(0).min(limit).min(16 << 20) as usize);
        let read = response
            .into_body()
            .into_with_config()
            .limit(limit)
            .reader()
            .read_to_end(&mut body);
        seen.bytes = Some(body.len() as u64);
        read.map_err(|e| self.call_error(endpoint, Some(status), ureq::Error::from(e)))?;
        if let Some(tap) = &self.inner.config.on_body {
            tap_body::<T>(tap, endpoint, status, &body);
        }
        match drift::decode_logged::<T>(&body, self.inner.drift.as_ref()) {
            Ok(value) => Ok(value),
            Err(reason) => Err(self.redact_error(Error::Decode {
                endpoint,
                status,
                reason: decode_reason(&body, reason),
                snippet: snippet(&body[..body.len().min(SNIPPET_CHARS * 4)]),
            })),
        }
    }

    /// Turns a non-2xx answer into an error carrying the provider's message.
    fn failure(
        &self,
        endpoint: Endpoint,
        response: Response<ureq::Body>,
        seen: &mut Seen,
    ) -> Error {
        let status = response.status().as_u16();
        let retry_after = retry_after(response.headers());
        let content_type = header_text(response.headers(), "content-type");
        let (head, read) = error_head(response);
        seen.bytes = Some(head.len() as u64);
        let parsed = (self.inner.error_body)(&head);
        let (code, message) = match (parsed, read) {
            (Some(found), _) => found,
            (None, Err(e)) => (None, format!("error body unreadable: {e}")),
            (None, Ok(_)) if head.iter().all(u8::is_ascii_whitespace) => {
                (None, reason_phrase(status).to_owned())
            }
            (None, Ok(_)) => (
                None,
                format!(
                    "{} instead of the documented JSON error: {}",
                    describe_body(content_type.as_deref(), &head),
                    snippet(&head)
                ),
            ),
        };
        self.redact_error(Error::from_answer(Failure {
            endpoint,
            status,
            meaning: status,
            code,
            message,
            retry_after,
        }))
    }

    pub(super) fn call_error(
        &self,
        endpoint: Endpoint,
        status: Option<u16>,
        error: ureq::Error,
    ) -> Error {
        self.redact_error(ureq_error(endpoint, status, error))
    }

    /// Removes the credential and the proxy's credentials from every text
    /// an error carries, in case a server (or a proxy) echoed them back.
    pub(super) fn redact_error(&self, error: Error) -> Error {
        self.inner.hidden.error(error)
    }
}

/// Hands a 2xx body to the [`Config::on_body`](crate::Config::on_body) tap,
/// named by the drift type it is read as: `T`'s schema root (`Video[]` for
/// a bare array of them), or `Video` for a single-video lookup.
fn tap_body<T: Observed>(tap: &BodyTap, endpoint: Endpoint, status: u16, bytes: &[u8]) {
    let root = T::root();
    let type_name = if T::is_list() {
        format!("{}[]", root.title())
    } else {
        root.title().to_owned()
    };
    (tap.0)(&Body {
        endpoint,
        provider: root.provider(),
        type_name: &type_name,
        status,
        bytes,
    });
}

/// The start of an error answer's body: only the first `ERROR_BODY_LIMIT`
/// bytes are read, and a longer body is cut, not an error, so its start
/// still yields the message. The read's outcome tells a cut connection.
pub(super) fn error_head(response: Response<ureq::Body>) -> (Vec<u8>, io::Result<usize>) {
    let mut head = Vec::new();
    let read = response
        .into_body()
        .into_with_config()
        .limit(u64::MAX)
        .reader()
        .take(ERROR_BODY_LIMIT)
        .read_to_end(&mut head);
    (head, read)
}

/// Classifies a ureq failure: timeout, body limit, connection or other
/// transport failure. `status` is the answer's, when one had arrived.
pub(super) fn ureq_error(endpoint: Endpoint, status: Option<u16>, error: ureq::Error) -> Error {
    match error {
        ureq::Error::Timeout(phase) => Error::Timeout {
            endpoint,
            phase: phase.to_string(),
        },
        ureq::Error::BodyExceedsLimit(limit) => Error::BodyTooLarge {
            endpoint,
            status: status.unwrap_or(200),
            limit,
        },
        ureq::Error::ConnectionFailed | ureq::Error::HostNotFound => Error::Transport {
            endpoint,
            message: error.to_string(),
            connect: true,
        },
        ureq::Error::Io(e) => Error::Transport {
            endpoint,
            // A name that does not resolve arrives from std as an
            // uncategorised error: its text is the only sign.
            connect: status.is_none()
                && (matches!(
                    e.kind(),
                    io::ErrorKind::ConnectionRefused
                        | io::ErrorKind::AddrNotAvailable
                        | io::ErrorKind::HostUnreachable
                        | io::ErrorKind::NetworkUnreachable
                ) || e.to_string().starts_with("failed to lookup address")),
            message: e.to_string(),
        },
        other => Error::Transport {
            endpoint,
            message: other.to_string(),
            connect: false,
        },
    }
}

pub(super) fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_owned())
}

/// `Retry-After` as seconds or as an HTTP date; a date in the past means now.
pub(super) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = header_text(headers, "retry-after")?;
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(&value).ok()?;
    Some(
        when.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

pub(super) fn reason_phrase(status: u16) -> &'static str {
    ureq::http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("no message")
}

fn looks_like_html(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&head[..head.len().min(512)]).to_ascii_lowercase();
    let text = text.trim_start();
    text.starts_with("<!doctype html") || text.starts_with("<html") || text.starts_with('<')
}

pub(super) fn describe_body(content_type: Option<&str>, head: &[u8]) -> String {
    let kind = if looks_like_html(head) {
        "an HTML page"
    } else {
        "a non-JSON body"
    };
    match content_type {
        Some(ct) => format!("{kind} ({ct})"),
        None => kind.to_owned(),
    }
}

fn decode_reason(body: &[u8], error: String) -> String {
    if body.iter().all(u8::is_ascii_whitespace) {
        "empty body".to_owned()
    } else if looks_like_html(body) {
        format!("an HTML page instead of JSON: {error}")
    } else {
        error
    }
}

pub(super) fn snippet(head: &[u8]) -> String {
    let text = String::from_utf8_lossy(head);
    let mut short: String = text.chars().take(SNIPPET_CHARS).collect();
    if text.chars().nth(SNIPPET_CHARS).is_some() {
        short.push('…');
    }
    short
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", "7".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(7)));
        let later = std::time::SystemTime::now() + Duration::from_secs(120);
        headers.insert(
            "retry-after",
            httpdate::fmt_http_date(later).parse().unwrap(),
        );
        let wait = retry_after(&headers).unwrap();
        assert!(wait > Duration::from_secs(100) && wait <= Duration::from_secs(120));
        headers.insert("retry-after", "soon".parse().unwrap());
        assert_eq!(retry_after(&headers), None);
    }

    /// A media host whose name does not resolve is "could not connect", not
    /// a slow host (std reports it with this text and no kind of its own).
    #[test]
    fn a_name_that_does_not_resolve_is_a_connect_failure() {
        let endpoint = Endpoint::new(crate::error::Provider::HourOne, "download video");
        let lookup =
            io::Error::other("failed to lookup address information: Name or service not known");
        let error = ureq_error(endpoint, None, ureq::Error::Io(lookup));
        assert!(
            matches!(error, Error::Transport { connect: true, .. }),
            "{error:?}"
        );
        let reset = io::Error::new(io::ErrorKind::ConnectionReset, "reset");
        let error = ureq_error(endpoint, None, ureq::Error::Io(reset));
        assert!(
            matches!(error, Error::Transport { connect: false, .. }),
            "{error:?}"
        );
    }
}

//! Media: the second client, for a provider's media host (a CDN). It has no
//! credential to send, follows redirects itself (each hop checked: https,
//! or http on loopback only), asks for the bytes as they are stored
//! (`Accept-Encoding: identity`; an answer encoded all the same is refused
//! at its head, before ureq could decode it) and hands the body out as a stream, with
//! no body limit of its own.

use std::io::Read;
use std::time::{Duration, Instant};

use ureq::Agent;
use ureq::http::Response;

use super::agent::{self, Purpose, is_loopback_host};
use super::answer::{
    describe_body, error_head, header_text, reason_phrase, retry_after, snippet, ureq_error,
};
use super::log;
use crate::config::Config;
use crate::error::{Endpoint, Error, Failure, Result};
use crate::redact::{self, Secrets};

/// How many redirects a media download follows.
const MAX_MEDIA_REDIRECTS: usize = 10;

/// A plain GET of a media file on a provider's media host.
#[derive(Clone)]
pub(crate) struct Media {
    agent: Agent,
    endpoint: Endpoint,
    allow_http: bool,
    /// The proxy's credentials, kept out of errors.
    hidden: Secrets,
}

impl std::fmt::Debug for Media {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Media")
            .field("endpoint", &self.endpoint)
            .finish_non_exhaustive()
    }
}

/// A media host's 2xx answer, its body not read yet.
pub(crate) struct MediaAnswer {
    endpoint: Endpoint,
    hidden: Secrets,
    /// 200 or 206 (any 2xx, as sent).
    pub status: u16,
    /// `Content-Length`, when sent.
    pub length: Option<u64>,
    /// `Content-Range`, as sent.
    pub range: Option<String>,
    /// `ETag`, as sent.
    pub etag: Option<String>,
    /// `Last-Modified`, as sent.
    pub last_modified: Option<String>,
    /// `Date`, as sent: whether `Last-Modified` is a strong validator
    /// depends on it.
    pub date: Option<String>,
    body: ureq::BodyReader<'static>,
}

impl MediaAnswer {
    /// Takes `ETag`, `Last-Modified` and `Date`, in that order.
    pub(crate) fn validators(&mut self) -> (Option<String>, Option<String>, Option<String>) {
        (
            self.etag.take(),
            self.last_modified.take(),
            self.date.take(),
        )
    }

    /// Reads the next bytes of the body; `Ok(0)` at its end. A connection
    /// that closes before `Content-Length` is reached, or stays silent for
    /// the configured timeout, is an error.
    pub(crate) fn read(&mut self, buf: &mut [u8]) -> Result<usize> {
        self.body.read(buf).map_err(|e| {
            self.hidden.error(ureq_error(
                self.endpoint,
                Some(self.status),
                ureq::Error::from(e),
            ))
        })
    }
}

impl Media {
    /// A media client with `config`'s proxy, user agent and timeouts:
    /// `connect_timeout` to connect, and `timeout` both for the answer's
    /// head and for each read of the body (a stall, not the whole file: a
    /// large file may take far longer than one API call).
    pub(crate) fn new(endpoint: Endpoint, config: &Config) -> Result<Media> {
        Ok(Media {
            agent: agent::agent(config, Purpose::Media)?,
            endpoint,
            allow_http: config.allow_http,
            hidden: agent::hidden(None, config),
        })
    }

    /// The call media errors name.
    pub(crate) fn endpoint(&self) -> Endpoint {
        self.endpoint
    }

    /// GETs `url` from byte `from` on (`Range: bytes=<from>-` when `from` is
    /// not 0, with `If-Range: <if_range>` when given), following up to ten
    /// redirects. A URL or redirect target that
    /// is neither https nor loopback http is refused with
    /// [`Error::Redirect`] (or [`Error::InvalidArgument`] for `url` itself),
    /// unless the config allows plain http. A non-2xx answer is an error
    /// carrying the status and the start of the body.
    ///
    /// With `within`, the whole request (connecting, every redirect, the
    /// answer and every read of its body) ends within that time, whatever
    /// the per-read timeout: a deadline is never overshot by a stall.
    pub(crate) fn get(
        &self,
        url: &str,
        from: u64,
        if_range: Option<&str>,
        within: Option<Duration>,
    ) -> Result<MediaAnswer> {
        self.hop(
            url,
            from,
            if_range,
            within.map(|left| Instant::now() + left),
        )
        .map_err(|e| self.hidden.error(e))
    }

    fn hop(
        &self,
        url: &str,
        from: u64,
        if_range: Option<&str>,
        until: Option<Instant>,
    ) -> Result<MediaAnswer> {
        let endpoint = self.endpoint;
        check_media_url(url, self.allow_http).map_err(|reason| {
            Error::invalid(
                "media URL",
                format!("{:?}: {reason}", redact::media_url(url)),
            )
        })?;
        let mut current = url.to_owned();
        for _ in 0..=MAX_MEDIA_REDIRECTS {
            let mut builder = self
                .agent
                .get(&current)
                .header("accept", "*/*")
                .header("accept-encoding", "identity");
            if let Some(until) = until {
                let left = until.saturating_duration_since(Instant::now());
                builder = builder
                    .config()
                    .timeout_global(Some(left.max(Duration::from_millis(1))))
                    .build();
            }
            if from > 0 {
                builder = builder.header("range", format!("bytes={from}-"));
                if let Some(validator) = if_range {
                    builder = builder.header("if-range", validator);
                }
            }
            let started = Instant::now();
            let response = builder.call().map_err(|e| refused_or(endpoint, e))?;
            let status = response.status().as_u16();
            log::media(endpoint, &current, status, from, started);
            if (300..400).contains(&status) {
                let location = header_text(response.headers(), "location").unwrap_or_default();
                let refused = || Error::Redirect {
                    endpoint,
                    status,
                    location: location.clone(),
                };
                let next = resolve_location(&current, &location).ok_or_else(refused)?;
                check_media_url(&next, self.allow_http).map_err(|_| refused())?;
                // Credentials go only to the host they were given for (as
                // curl does): userinfo in a redirect to another host, put
                // there by the host redirecting, is dropped.
                let next =
                    if redact::host(&next).map(host_key) == redact::host(&current).map(host_key) {
                        next
                    } else {
                        without_userinfo(&next)
                    };
                current = next;
                continue;
            }
            if !(200..300).contains(&status) {
                return Err(media_failure(endpoint, response));
            }
            let headers = response.headers();
            let length = header_text(headers, "content-length").and_then(|v| v.parse::<u64>().ok());
            let range = header_text(headers, "content-range");
            let etag = header_text(headers, "etag");
            let last_modified = header_text(headers, "last-modified");
            let date = header_text(headers, "date");
            let body = response
                .into_body()
                .into_with_config()
                .limit(u64::MAX)
                .reader();
            return Ok(MediaAnswer {
                endpoint,
                hidden: self.hidden.clone(),
                status,
                length,
                range,
                etag,
                last_modified,
                date,
                body,
            });
        }
        Err(Error::Redirect {
            endpoint,
            status: 310,
            location: format!(
                "more than {MAX_MEDIA_REDIRECTS} redirects, the last to {}",
                redact::media_url(&current)
            ),
        })
    }
}

/// A failed call as an error: an answer the encoding guard refused is an
/// [`Error::Media`] with its status (retrying cannot help while the host
/// encodes), anything else a transport error.
fn refused_or(endpoint: Endpoint, error: ureq::Error) -> Error {
    if let ureq::Error::Io(io) = &error {
        if let Some(encoded) = io
            .get_ref()
            .and_then(|e| e.downcast_ref::<agent::Encoded>())
        {
            return Error::Media {
                endpoint,
                status: encoded.status,
                message: format!(
                    "media host: answered with Content-Encoding {:?} although identity was \
                     asked for; vidapi saves media exactly as sent and never decodes it, so \
                     nothing of this answer was written",
                    encoded.encoding
                ),
            };
        }
    }
    ureq_error(endpoint, None, error)
}

/// A media host's non-2xx answer as an error: the status, and the start of
/// its body (CDNs answer with short XML or HTML pages) as the message.
fn media_failure(endpoint: Endpoint, response: Response<ureq::Body>) -> Error {
    let status = response.status().as_u16();
    let retry_after = retry_after(response.headers());
    let content_type = header_text(response.headers(), "content-type");
    let (head, _) = error_head(response);
    let message = if head.iter().all(u8::is_ascii_whitespace) {
        format!("media host: {}", reason_phrase(status))
    } else {
        format!(
            "media host: {}: {}",
            describe_body(content_type.as_deref(), &head).replace("a non-JSON body", "body"),
            snippet(&head)
        )
    };
    Error::from_answer(Failure {
        endpoint,
        status,
        meaning: status,
        code: None,
        message,
        retry_after,
    })
}

/// Whether a media URL may be fetched: https, or http on a loopback host
/// (or anywhere when `allow_http`). Other schemes are refused.
fn check_media_url(url: &str, allow_http: bool) -> std::result::Result<(), &'static str> {
    let uri: ureq::http::Uri = url.parse().map_err(|_| "not a URL")?;
    let host = uri.host().ok_or("has no host")?;
    match uri.scheme_str() {
        Some("https") => Ok(()),
        Some("http") if allow_http || is_loopback_host(host) => Ok(()),
        Some("http") => Err("plain http is only followed to a loopback host"),
        _ => Err("scheme must be https"),
    }
}

/// `host[:port]` as compared between hops.
fn host_key(host: &str) -> String {
    host.to_ascii_lowercase()
}

/// `url` without `user:password@`.
fn without_userinfo(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..end].rfind('@') {
        Some(at) => format!("{scheme}://{}", &rest[at + 1..]),
        None => url.to_owned(),
    }
}

/// The absolute URL a `Location` header points to from `current`: absolute,
/// scheme-relative (`//host/path`), absolute-path or relative-path.
fn resolve_location(current: &str, location: &str) -> Option<String> {
    let location = location.trim();
    if location.is_empty() {
        return None;
    }
    if location.contains("://") {
        return Some(location.to_owned());
    }
    let uri: ureq::http::Uri = current.parse().ok()?;
    let scheme = uri.scheme_str()?;
    if let Some(rest) = location.strip_prefix("//") {
        return Some(format!("{scheme}://{rest}"));
    }
    let authority = uri.authority()?.as_str();
    if location.starts_with('/') {
        return Some(format!("{scheme}://{authority}{location}"));
    }
    let path = uri.path();
    let dir = &path[..path.rfind('/').map_or(0, |i| i + 1)];
    let dir = if dir.is_empty() { "/" } else { dir };
    Some(format!("{scheme}://{authority}{dir}{location}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_urls_and_redirect_targets() {
        assert!(check_media_url("https://cdn.example.com/v.mp4", false).is_ok());
        assert!(check_media_url("http://127.0.0.1:9/v.mp4", false).is_ok());
        assert!(check_media_url("http://[::1]:9/v.mp4", false).is_ok());
        assert!(check_media_url("http://cdn.example.com/v.mp4", false).is_err());
        assert!(check_media_url("http://cdn.example.com/v.mp4", true).is_ok());
        assert!(check_media_url("ftp://cdn.example.com/v.mp4", true).is_err());
        assert!(check_media_url("<generated video url>", false).is_err());
        let from = "https://a.example/x/y/v.mp4?sig=1";
        for (location, expect) in [
            ("https://b.example/z", "https://b.example/z"),
            ("//c.example/z", "https://c.example/z"),
            ("/z?q=1", "https://a.example/z?q=1"),
            ("w.mp4", "https://a.example/x/y/w.mp4"),
        ] {
            assert_eq!(resolve_location(from, location).as_deref(), Some(expect));
        }
        assert_eq!(resolve_location(from, " "), None);
        assert_eq!(
            without_userinfo("https://u:p@b.example:8443/z?q=a@b"),
            "https://b.example:8443/z?q=a@b"
        );
        assert_eq!(
            without_userinfo("https://b.example/z"),
            "https://b.example/z"
        );
    }
}

//! The one place that speaks HTTP: one ureq agent per client, the provider's
//! auth header, URL encoding, pacing, retries, body limits, decoding, error
//! mapping and the log events of every attempt.
//! Endpoint methods describe a [`Request`]; everything else happens here.
//!
//! Each attempt is one `tracing` event (target `vidapi::transport`): at
//! DEBUG, or INFO when it failed and is retried. Its fields: `provider`,
//! `endpoint`, `method`, `path` (query values other than plain numbers,
//! and path segments holding an `@`, are redacted), `status`, `bytes` (of the
//! body read), `ms` (the attempt's duration), `retry` (0 for the first
//! attempt), `paced_ms` (the wait the limiter imposed before it), `wait_ms`
//! (the wait before the next attempt, when there is one), `error` (the
//! error's kind, never its text) and `code` (the API's own code). Never a
//! credential, a proxy URL, a header or a body.

use std::io::{self, Read};
use std::sync::Arc;
use std::time::{Duration, Instant};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde::de::DeserializeOwned;
use ureq::Agent;
use ureq::http::{HeaderMap, Response};

use crate::config::Config;
use crate::drift::{self, Finding, Observed};
use crate::error::{Endpoint, Error, Failure, Result};
use crate::pace::Pacer;

/// Characters left as they are in a query value or path segment: RFC 3986's
/// unreserved set. Everything else, `+`, `&`, `/`, `?`, `#` and `%` included,
/// is percent-encoded, so a value can never change the URL's structure.
const ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// How much of a non-2xx body is read to find the provider's message.
const ERROR_BODY_LIMIT: u64 = 64 * 1024;
/// How much of a body is quoted in a decode error.
const SNIPPET_CHARS: usize = 200;

/// How a provider wants its credential.
#[derive(Clone, Copy, Debug)]
pub(crate) enum AuthScheme {
    /// `Authorization: Bearer <token>` (useapi.net).
    Bearer,
    /// `api-key: <key>` (Hour One).
    ApiKey,
    /// `Authorization: <key>`, no scheme (memories.ai).
    Plain,
}

/// Reads a provider's error body into its code and message, if it has the
/// provider's documented error shape.
pub(crate) type ErrorBodyReader = fn(&[u8]) -> Option<(Option<String>, String)>;

/// A blocking HTTP transport bound to one provider's host and credential.
/// Cheap to clone; clones share the connection pool.
#[derive(Clone)]
pub(crate) struct Transport {
    inner: Arc<Inner>,
}

struct Inner {
    agent: Agent,
    base: String,
    scheme: AuthScheme,
    secret: SecretString,
    /// Texts no error may carry: the credential, the proxy's credentials.
    hidden: Hidden,
    config: Config,
    error_body: ErrorBodyReader,
    /// Drift findings of every decode, unless recording is off.
    drift: Option<drift::Log>,
    /// The rate limiters of the paced endpoints, shared by every clone.
    pacer: Pacer,
}

/// Texts a drift example must never show: the credential, the proxy URL
/// (with or without user information: a server echoing it tells where the
/// client sits) and the proxy's credentials.
fn drift_secrets(credential: &SecretString, config: &Config) -> Vec<String> {
    let mut texts = vec![credential.expose_secret().to_owned()];
    if let Some(proxy) = &config.proxy {
        texts.push(proxy.expose().to_owned());
        texts.extend(proxy.secrets());
    }
    texts
}

/// Texts that must never appear in an error: a credential, a proxy URL with
/// a user name and password, those credentials alone.
#[derive(Clone, Default)]
struct Hidden(Vec<SecretString>);

impl Hidden {
    /// The proxy's secrets, plus `credential` when given.
    fn new(credential: Option<&SecretString>, config: &Config) -> Hidden {
        let mut texts: Vec<SecretString> = credential.into_iter().cloned().collect();
        if let Some(proxy) = &config.proxy {
            texts.extend(proxy.secrets().into_iter().map(SecretString::from));
        }
        Hidden(texts)
    }

    /// `error` with every hidden text replaced by `[redacted]` (longest
    /// first, so a URL goes whole before its parts).
    fn scrub(&self, error: Error) -> Error {
        self.0
            .iter()
            .fold(error, |error, text| error.redact(text.expose_secret()))
    }
}

/// The agent's proxy, from the config; an unusable proxy URL is an error
/// that does not quote it.
fn proxy(config: &Config) -> Result<Option<ureq::Proxy>> {
    match &config.proxy {
        Some(url) => ureq::Proxy::new(url.expose())
            .map(Some)
            .map_err(|e| {
                let why = format!(
                    "{e} (expected http://, https://, socks4://, socks4a://, socks5:// or socks5h://, then host:port)"
                );
                Hidden::new(None, config).scrub(Error::invalid("proxy", why))
            }),
        None => Ok(None),
    }
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport")
            .field("base", &self.inner.base)
            .field("credential", &"[redacted]")
            .field("config", &self.inner.config)
            .finish()
    }
}

/// One call, as an endpoint method describes it.
pub(crate) struct Request {
    endpoint: Endpoint,
    post: bool,
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(&'static str, String)>,
    body: Option<Vec<u8>>,
    retried: bool,
}

impl Request {
    /// A GET of `path` (already encoded; see [`segment`]). Retried by default.
    pub fn get(endpoint: Endpoint, path: impl Into<String>) -> Self {
        Request {
            endpoint,
            post: false,
            path: path.into(),
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            retried: true,
        }
    }

    /// A POST of `path`. Not retried unless [`Request::retried`] says so.
    pub fn post(endpoint: Endpoint, path: impl Into<String>) -> Self {
        Request {
            post: true,
            retried: false,
            ..Request::get(endpoint, path)
        }
    }

    /// Adds the members of a generated query type as query parameters, in
    /// name order, leaving out absent ones.
    pub fn query(mut self, query: &impl Serialize) -> Result<Self> {
        let value = serde_json::to_value(query)
            .map_err(|e| Error::invalid("query", format!("cannot serialize: {e}")))?;
        let serde_json::Value::Object(members) = value else {
            return Err(Error::invalid("query", "not an object"));
        };
        // Sorted here, not by the map: with serde_json's `preserve_order`
        // (the schema tools turn it on) a map keeps field order instead, and
        // a request must not depend on which features are enabled.
        let mut members: Vec<_> = members.into_iter().collect();
        members.sort_by(|a, b| a.0.cmp(&b.0));
        for (name, value) in members {
            let text = match value {
                serde_json::Value::Null => continue,
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            self.query.push((name, text));
        }
        Ok(self)
    }

    /// Sends `body` as the JSON request body.
    pub fn json(mut self, body: &impl Serialize) -> Result<Self> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| Error::invalid("request body", format!("cannot serialize: {e}")))?;
        self.body = Some(bytes);
        Ok(self)
    }

    /// Adds a header when `value` is given; a value that could split the
    /// request (CR, LF, NUL or other control characters) is refused.
    pub fn header(mut self, name: &'static str, value: Option<&str>) -> Result<Self> {
        if let Some(value) = value {
            check_header_value(name, value)?;
            self.headers.push((name, value.to_owned()));
        }
        Ok(self)
    }

    /// Whether failures worth retrying are retried: a POST that is really a
    /// read (memories.ai's list) opts in; a POST that creates never does.
    pub fn retried(mut self, retried: bool) -> Self {
        self.retried = retried;
        self
    }

    fn url(&self, base: &str) -> String {
        let mut url = format!("{base}{}", self.path);
        for (i, (name, value)) in self.query.iter().enumerate() {
            url.push(if i == 0 { '?' } else { '&' });
            url.extend(utf8_percent_encode(name, ENCODE));
            url.push('=');
            url.extend(utf8_percent_encode(value, ENCODE));
        }
        url
    }
}

/// Encodes a caller's value (a video id) as one path segment. Empty or blank
/// values, `.` and `..`, and control characters are refused: no encoding
/// makes those mean what the caller meant.
pub(crate) fn segment(name: &'static str, value: &str) -> Result<String> {
    if value.trim().is_empty() {
        return Err(Error::invalid(name, "must not be empty"));
    }
    if value == "." || value == ".." {
        return Err(Error::invalid(name, format!("{value:?} is not an id")));
    }
    if value.chars().any(char::is_control) {
        return Err(Error::invalid(name, "contains a control character"));
    }
    Ok(utf8_percent_encode(value, ENCODE).to_string())
}

/// Checks an optional text argument that goes into a query or body: it may
/// be absent, but not present and blank.
pub(crate) fn optional_text<'a>(
    name: &'static str,
    value: Option<&'a str>,
) -> Result<Option<&'a str>> {
    match value {
        Some(v) if v.trim().is_empty() => Err(Error::invalid(name, "must not be empty when given")),
        Some(v) if v.contains('\0') => Err(Error::invalid(name, "contains a NUL character")),
        other => Ok(other),
    }
}

fn check_header_value(name: &'static str, value: &str) -> Result<()> {
    if value.chars().any(|c| c.is_control() && c != '\t') {
        return Err(Error::invalid(
            name,
            "contains a line break or control character and cannot be sent as a header",
        ));
    }
    Ok(())
}

fn is_loopback_host(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Validates a base URL: `https://`, or `http://` on loopback (or when the
/// caller opted in). Returns it without a trailing slash.
fn check_base_url(url: &str, allow_http: bool) -> Result<String> {
    let invalid = |reason: &str| Error::invalid("base URL", format!("{url:?}: {reason}"));
    let uri: ureq::http::Uri = url.parse().map_err(|_| invalid("not a URL"))?;
    let host = uri.host().ok_or_else(|| invalid("has no host"))?;
    match uri.scheme_str() {
        Some("https") => {}
        Some("http") if allow_http || is_loopback_host(host) => {}
        Some("http") => {
            return Err(invalid(
                "plain http would send the credential unencrypted; use https, a loopback host, or Config::allow_http",
            ));
        }
        _ => return Err(invalid("scheme must be https or http")),
    }
    if uri.query().is_some() {
        return Err(invalid("must not have a query"));
    }
    Ok(url.trim_end_matches('/').to_owned())
}

impl Transport {
    pub(crate) fn new(
        default_base: &str,
        scheme: AuthScheme,
        secret: SecretString,
        config: Config,
        error_body: ErrorBodyReader,
    ) -> Result<Self> {
        let base = check_base_url(
            config.base_url.as_deref().unwrap_or(default_base),
            config.allow_http,
        )?;
        let proxy = proxy(&config)?;
        let agent: Agent = Agent::config_builder()
            // Non-2xx answers carry the provider's message and Retry-After.
            .http_status_as_error(false)
            // A redirect would take the credential (or drop it) somewhere the
            // caller did not choose; surface it instead.
            .max_redirects(0)
            .proxy(proxy)
            .user_agent(config.user_agent.as_str())
            .timeout_connect(Some(config.connect_timeout))
            // Each phase is bounded, not the attempt as a whole: ureq's
            // global timeout changes the socket's timeouts before every
            // read and write, which made a call on a kept-alive connection
            // 1.4–1.6× slower (benches/overhead.rs measures both).
            .timeout_send_request(Some(config.timeout))
            .timeout_recv_response(Some(config.timeout))
            .timeout_recv_body(Some(config.timeout))
            .build()
            .into();
        let drift = config
            .record_drift
            .then(|| drift::Log::new(drift_secrets(&secret, &config)));
        let hidden = Hidden::new(Some(&secret), &config);
        let pacer = Pacer::new(&config, &base, &secret);
        Ok(Transport {
            inner: Arc::new(Inner {
                agent,
                base,
                scheme,
                secret,
                hidden,
                config,
                error_body,
                drift,
                pacer,
            }),
        })
    }

    /// The base URL requests go to.
    pub(crate) fn base_url(&self) -> &str {
        &self.inner.base
    }

    /// The settings the transport was made with.
    pub(crate) fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The drift findings recorded so far (empty when recording is off).
    pub(crate) fn drift(&self) -> Vec<Finding> {
        self.inner
            .drift
            .as_ref()
            .map(drift::Log::snapshot)
            .unwrap_or_default()
    }

    /// The drift findings recorded so far, clearing the record.
    pub(crate) fn take_drift(&self) -> Vec<Finding> {
        self.inner
            .drift
            .as_ref()
            .map(drift::Log::take)
            .unwrap_or_default()
    }

    /// Sends the request and decodes a 2xx answer as `T`.
    pub(crate) fn send<T: DeserializeOwned + Observed>(&self, request: Request) -> Result<T> {
        self.send_checked(request, |_| None)
    }

    /// Like [`Transport::send`], and then asks `check` whether the decoded
    /// answer is a failure in disguise (an error envelope under HTTP 200).
    pub(crate) fn send_checked<T: DeserializeOwned + Observed>(
        &self,
        request: Request,
        check: impl Fn(&T) -> Option<Failure>,
    ) -> Result<T> {
        self.check_credential()?;
        let policy = &self.inner.config.retry;
        let mut retry = 0;
        loop {
            // Every attempt, retries too, counts against the endpoint's rate.
            let paced = self.inner.pacer.wait(request.endpoint);
            let started = Instant::now();
            let mut seen = Seen::default();
            let outcome = self
                .attempt(&request, &mut seen)
                .and_then(|value| match check(&value) {
                    Some(failure) => Err(self.redact_error(Error::from_answer(failure))),
                    None => Ok(value),
                });
            let wait = match &outcome {
                Err(error)
                    if request.retried && retry < policy.max_retries && error.is_retryable() =>
                {
                    policy.delay(retry, error.retry_after())
                }
                _ => None,
            };
            log_attempt(&Attempt {
                request: &request,
                seen: &seen,
                error: outcome.as_ref().err(),
                took: started.elapsed(),
                retry,
                paced,
                wait,
            });
            match wait {
                Some(wait) => std::thread::sleep(wait),
                None => return outcome,
            }
            retry += 1;
        }
    }

    fn check_credential(&self) -> Result<()> {
        let secret = self.inner.secret.expose_secret();
        if secret.trim().is_empty() {
            return Err(Error::invalid("credential", "is empty"));
        }
        // The message must not quote the credential.
        check_header_value("credential", secret)
    }

    fn attempt<T: DeserializeOwned + Observed>(
        &self,
        request: &Request,
        seen: &mut Seen,
    ) -> Result<T> {
        let url = request.url(&self.inner.base);
        let secret = self.inner.secret.expose_secret();
        let (auth_name, auth_value) = match self.inner.scheme {
            AuthScheme::Bearer => ("authorization", format!("Bearer {secret}")),
            AuthScheme::ApiKey => ("api-key", secret.to_owned()),
            AuthScheme::Plain => ("authorization", secret.to_owned()),
        };
        let endpoint = request.endpoint;
        let sent = if request.post {
            let mut builder = self
                .inner
                .agent
                .post(&url)
                .header(auth_name, &auth_value)
                .header("accept", "application/json")
                .header("content-type", "application/json");
            for (name, value) in &request.headers {
                builder = builder.header(*name, value);
            }
            builder.send(request.body.as_deref().unwrap_or(b"{}"))
        } else {
            let mut builder = self
                .inner
                .agent
                .get(&url)
                .header(auth_name, &auth_value)
                .header("accept", "application/json");
            for (name, value) in &request.headers {
                builder = builder.header(*name, value);
            }
            builder.call()
        };
        let response = sent.map_err(|e| self.call_error(endpoint, None, e))?;
        self.read(endpoint, response, seen)
    }

    fn read<T: DeserializeOwned + Observed>(
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

    fn call_error(&self, endpoint: Endpoint, status: Option<u16>, error: ureq::Error) -> Error {
        self.redact_error(ureq_error(endpoint, status, error))
    }

    /// Removes the credential and the proxy's credentials from every text
    /// an error carries, in case a server (or a proxy) echoed them back.
    fn redact_error(&self, error: Error) -> Error {
        self.inner.hidden.scrub(error)
    }
}

/// Hands a 2xx body to the [`Config::on_body`] tap, named by the drift
/// type it is read as: `T`'s schema root (`Video[]` for a bare array of
/// them), or `Video` for an answer read with [`Request::item_of`] (both of
/// which are single-video lookups).
fn tap_body<T: Observed>(
    tap: &crate::config::BodyTap,
    endpoint: Endpoint,
    status: u16,
    bytes: &[u8],
) {
    let root = T::root();
    let type_name = if T::is_list() {
        format!("{}[]", root.title())
    } else {
        root.title().to_owned()
    };
    (tap.0)(&crate::config::Body {
        endpoint,
        provider: root.provider(),
        type_name: &type_name,
        status,
        bytes,
    });
}

/// What one attempt saw of the answer, for its log event.
#[derive(Default)]
struct Seen {
    status: Option<u16>,
    bytes: Option<u64>,
}

/// One attempt, as its log event tells it.
struct Attempt<'a> {
    request: &'a Request,
    seen: &'a Seen,
    error: Option<&'a Error>,
    took: Duration,
    retry: u32,
    paced: Duration,
    wait: Option<Duration>,
}

/// Milliseconds, as log events give durations.
fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// The attempt's `tracing` event: DEBUG, or INFO when it failed and is
/// retried. No credential, header, body or error text is in it, and the
/// path is shown as [`LogPath`] writes it.
fn log_attempt(a: &Attempt<'_>) {
    let endpoint = a.request.endpoint;
    let method = if a.request.post { "POST" } else { "GET" };
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

/// A request's path as log events show it: query parameters by name, with
/// a value only when it is a plain number (`limit=40`, `offset=0`; an
/// email, account or id is `[redacted]`), and any path segment that holds
/// an `@` (useapi.net's PixVerse video ids carry the account's email)
/// replaced by `[redacted]`. Written only when an event is recorded.
struct LogPath<'a> {
    path: &'a str,
    query: &'a [(String, String)],
}

impl std::fmt::Display for LogPath<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, segment) in self.path.split('/').enumerate() {
            if i > 0 {
                f.write_str("/")?;
            }
            let decoded = percent_encoding::percent_decode_str(segment).decode_utf8_lossy();
            f.write_str(if decoded.contains('@') {
                "[redacted]"
            } else {
                segment
            })?;
        }
        for (i, (name, value)) in self.query.iter().enumerate() {
            f.write_str(if i == 0 { "?" } else { "&" })?;
            write!(f, "{}=", utf8_percent_encode(name, ENCODE))?;
            if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
                f.write_str(value)?;
            } else {
                f.write_str("[redacted]")?;
            }
        }
        Ok(())
    }
}

/// How many redirects a media download follows.
const MAX_MEDIA_REDIRECTS: usize = 10;

/// A plain GET of a media file on a provider's media host (a CDN): the
/// other half of the transport. It has no credential to send, follows
/// redirects itself (each hop checked: https, or http on loopback only),
/// asks for the bytes as they are stored (`Accept-Encoding: identity`) and
/// hands the body out as a stream, with no body limit of its own.
#[derive(Clone)]
pub(crate) struct Media {
    agent: Agent,
    endpoint: Endpoint,
    allow_http: bool,
    /// The proxy's credentials, kept out of errors.
    hidden: Hidden,
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
    hidden: Hidden,
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
    body: ureq::BodyReader<'static>,
}

impl MediaAnswer {
    /// Reads the next bytes of the body; `Ok(0)` at its end. A connection
    /// that closes before `Content-Length` is reached, or stays silent for
    /// the configured timeout, is an error.
    pub(crate) fn read(&mut self, buf: &mut [u8]) -> Result<usize> {
        self.body.read(buf).map_err(|e| {
            self.hidden.scrub(ureq_error(
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
        let proxy = proxy(config)?;
        let agent: Agent = Agent::config_builder()
            .http_status_as_error(false)
            // Every hop is checked here, not followed blindly.
            .max_redirects(0)
            .proxy(proxy)
            .user_agent(config.user_agent.as_str())
            .timeout_connect(Some(config.connect_timeout))
            .timeout_recv_response(Some(config.timeout))
            .timeout_per_read(Some(config.timeout))
            .build()
            .into();
        Ok(Media {
            agent,
            endpoint,
            allow_http: config.allow_http,
            hidden: Hidden::new(None, config),
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
    pub(crate) fn get(&self, url: &str, from: u64, if_range: Option<&str>) -> Result<MediaAnswer> {
        self.hop(url, from, if_range)
            .map_err(|e| self.hidden.scrub(e))
    }

    fn hop(&self, url: &str, from: u64, if_range: Option<&str>) -> Result<MediaAnswer> {
        let endpoint = self.endpoint;
        check_media_url(url, self.allow_http).map_err(|reason| {
            Error::invalid(
                "media URL",
                format!("{:?}: {reason}", crate::redact::url(url)),
            )
        })?;
        let mut current = url.to_owned();
        for _ in 0..=MAX_MEDIA_REDIRECTS {
            let mut builder = self
                .agent
                .get(&current)
                .header("accept", "*/*")
                .header("accept-encoding", "identity");
            if from > 0 {
                builder = builder.header("range", format!("bytes={from}-"));
                if let Some(validator) = if_range {
                    builder = builder.header("if-range", validator);
                }
            }
            let started = Instant::now();
            let response = builder.call().map_err(|e| ureq_error(endpoint, None, e))?;
            let status = response.status().as_u16();
            tracing::debug!(
                provider = %endpoint.provider,
                endpoint = endpoint.name,
                method = "GET",
                path = %MediaPath(&current),
                status,
                from,
                ms = millis(started.elapsed()),
                "media request"
            );
            if (300..400).contains(&status) {
                let location = header_text(response.headers(), "location").unwrap_or_default();
                let refused = || Error::Redirect {
                    endpoint,
                    status,
                    location: location.clone(),
                };
                let next = resolve_location(&current, &location).ok_or_else(refused)?;
                check_media_url(&next, self.allow_http).map_err(|_| refused())?;
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
                body,
            });
        }
        Err(Error::Redirect {
            endpoint,
            status: 310,
            location: format!(
                "more than {MAX_MEDIA_REDIRECTS} redirects, the last to {}",
                crate::redact::url(&current)
            ),
        })
    }
}

/// A media URL as log events show it: host and path, with query values
/// (signed URLs carry tokens there) and `@`-holding segments redacted.
/// Written only when an event is recorded.
struct MediaPath<'a>(&'a str);

impl std::fmt::Display for MediaPath<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&media_log_path(self.0))
    }
}

fn media_log_path(url: &str) -> String {
    let Ok(uri) = url.parse::<ureq::http::Uri>() else {
        return "[unparsable URL]".to_owned();
    };
    let query: Vec<(String, String)> = uri
        .query()
        .unwrap_or_default()
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let name = percent_encoding::percent_decode_str(name).decode_utf8_lossy();
            (name.into_owned(), value.to_owned())
        })
        .collect();
    let path = LogPath {
        path: uri.path(),
        query: &query,
    };
    format!("{}{path}", uri.host().unwrap_or_default())
}

/// The start of an error answer's body: only the first `ERROR_BODY_LIMIT`
/// bytes are read, and a longer body is cut, not an error, so its start
/// still yields the message. The read's outcome tells a cut connection.
fn error_head(response: Response<ureq::Body>) -> (Vec<u8>, io::Result<usize>) {
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

/// Classifies a ureq failure: timeout, body limit, connection or other
/// transport failure. `status` is the answer's, when one had arrived.
fn ureq_error(endpoint: Endpoint, status: Option<u16>, error: ureq::Error) -> Error {
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
            connect: status.is_none()
                && matches!(
                    e.kind(),
                    io::ErrorKind::ConnectionRefused | io::ErrorKind::AddrNotAvailable
                ),
            message: e.to_string(),
        },
        other => Error::Transport {
            endpoint,
            message: other.to_string(),
            connect: false,
        },
    }
}

fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_owned())
}

/// `Retry-After` as seconds or as an HTTP date; a date in the past means now.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
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

fn reason_phrase(status: u16) -> &'static str {
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

fn describe_body(content_type: Option<&str>, head: &[u8]) -> String {
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

fn snippet(head: &[u8]) -> String {
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
    fn query_values_cannot_change_the_url() {
        let endpoint = Endpoint::new(crate::Provider::PixVerse, "list videos");
        let query = serde_json::json!({"email": "me+tag@example.com", "account": "a&b=c#d e/é"});
        let request = Request::get(endpoint, "/videos/").query(&query).unwrap();
        assert_eq!(
            request.url("https://h"),
            "https://h/videos/?account=a%26b%3Dc%23d%20e%2F%C3%A9&email=me%2Btag%40example.com"
        );
    }

    #[test]
    fn logged_paths_hide_personal_values() {
        let query = vec![
            ("email".to_owned(), "me+tag@example.com".to_owned()),
            ("limit".to_owned(), "40".to_owned()),
            ("lastVideoId".to_owned(), "video_id_#2".to_owned()),
            ("offset".to_owned(), String::new()),
        ];
        let shown = LogPath {
            path: "/v2/pixverse/videos/user%3A1-pixverse%3Ame%40example.com-video%3A7",
            query: &query,
        }
        .to_string();
        assert_eq!(
            shown,
            "/v2/pixverse/videos/[redacted]?email=[redacted]&limit=40\
             &lastVideoId=[redacted]&offset=[redacted]"
        );
        assert_eq!(
            media_log_path("https://cdn.example.com/a/b.mp4?sig=abc&exp=170&x"),
            "cdn.example.com/a/b.mp4?sig=[redacted]&exp=170&x=[redacted]"
        );
        assert_eq!(media_log_path("not a url"), "[unparsable URL]");
    }

    #[test]
    fn segments_are_encoded_or_refused() {
        assert_eq!(segment("id", "a/b?c#d%").unwrap(), "a%2Fb%3Fc%23d%25");
        assert_eq!(segment("id", "..x").unwrap(), "..x");
        for bad in ["", "  ", ".", "..", "a\nb", "a\0b"] {
            assert!(
                matches!(segment("id", bad), Err(Error::InvalidArgument { .. })),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn base_urls_must_be_https_or_loopback() {
        assert!(check_base_url("https://api.example.com/", false).is_ok());
        assert!(check_base_url("http://127.0.0.1:9/api", false).is_ok());
        assert!(check_base_url("http://localhost:9", false).is_ok());
        assert!(check_base_url("http://[::1]:9", false).is_ok());
        assert!(check_base_url("http://api.example.com", false).is_err());
        assert!(check_base_url("http://api.example.com", true).is_ok());
        assert!(check_base_url("ftp://x", true).is_err());
        assert!(check_base_url("not a url", true).is_err());
    }

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
    }

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
}

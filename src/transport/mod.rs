//! The one place that speaks HTTP, split the way ureq splits itself:
//! [`request`] (what an endpoint method describes: any method, path,
//! query, headers, body), [`run`] (attempts, pacing, retries, backoff),
//! [`answer`] (status, body limit, decode, drift, the body tap, the errors
//! describing what came back), [`log`] (the events), [`agent`] (the one
//! ureq agent builder, proxy, base URLs, what is hidden) and [`media`] (the
//! second client, for media hosts, with its redirect follower). Redaction
//! rules live in [`crate::redact`]. Endpoint methods describe a [`Request`]
//! and call [`Transport::send`]; the errors they get back are final (a
//! transport failure already names where it was going).
//!
//! Each attempt is one `tracing` event (target `vidapi::transport::log`): at
//! DEBUG, or INFO when it failed and is retried. Its fields: `provider`,
//! `endpoint`, `method`, `path` (query values other than plain numbers,
//! and path segments holding an `@`, are redacted), `status`, `bytes` (of the
//! body read), `ms` (the attempt's duration), `retry` (0 for the first
//! attempt), `paced_ms` (the wait the limiter imposed before it), `wait_ms`
//! (the wait before the next attempt, when there is one), `error` (the
//! error's kind, never its text) and `code` (the API's own code). Never a
//! credential, a proxy URL, a header or a body.

mod agent;
mod answer;
mod log;
mod media;
mod request;
mod run;

use std::sync::Arc;

use secrecy::SecretString;
use ureq::Agent;

use crate::config::Config;
use crate::drift::{self, Finding};
use crate::pace::Pacer;
use crate::redact::Secrets;
pub(crate) use media::Media;
#[allow(unused_imports)] // `Method`: for endpoints other than GET and POST.
pub(crate) use request::{Method, Request, optional_text, segment};

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
    hidden: Secrets,
    /// Where a connection goes (host, and proxy), for transport failures.
    place: String,
    config: Config,
    error_body: ErrorBodyReader,
    /// Drift findings of every decode, unless recording is off.
    drift: Option<drift::Log>,
    /// The rate limiters of the paced endpoints, shared by every clone.
    pacer: Pacer,
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

impl Transport {
    pub(crate) fn new(
        default_base: &str,
        scheme: AuthScheme,
        secret: SecretString,
        config: Config,
        error_body: ErrorBodyReader,
    ) -> crate::Result<Self> {
        let base = agent::check_base_url(
            config.base_url.as_deref().unwrap_or(default_base),
            config.allow_http,
        )?;
        let agent = agent::agent(&config, agent::Purpose::Api)?;
        let drift = config
            .record_drift
            .then(|| drift::Log::new(agent::drift_secrets(&secret, &config)));
        let hidden = agent::hidden(Some(&secret), &config);
        let place = agent::place(&base, &config);
        let pacer = Pacer::new(&config, &base, &secret);
        Ok(Transport {
            inner: Arc::new(Inner {
                agent,
                base,
                scheme,
                secret,
                hidden,
                place,
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
}

//! The run loop: the credential check, then attempts, each paced by the
//! endpoint's limiter, sent, read and logged, with retries and backoff
//! as the [`RetryPolicy`](crate::RetryPolicy) says; the error that ends it
//! names where the call was going.

use std::time::Instant;

use secrecy::ExposeSecret;
use serde::de::DeserializeOwned;
use ureq::RequestBuilder;

use super::log::{self, Attempt, Seen};
use super::request::{Method, Request, check_header_value};
use super::{AuthScheme, Transport};
use crate::drift::Observed;
use crate::error::{Error, Failure, Result};

impl Transport {
    /// Sends the request and decodes a 2xx answer as `T`.
    pub(crate) fn send<T: DeserializeOwned + Observed>(&self, request: Request) -> Result<T> {
        self.send_checked(request, |_| None)
    }

    /// Like [`Transport::send`], and then asks `check` whether the decoded
    /// answer is a failure in disguise (an error envelope under HTTP 200).
    /// A transport failure that ends the call says where it was going
    /// ([`Error::located`]).
    pub(crate) fn send_checked<T: DeserializeOwned + Observed>(
        &self,
        request: Request,
        check: impl Fn(&T) -> Option<Failure>,
    ) -> Result<T> {
        self.run(request, check)
            .map_err(|e| e.located(&self.inner.place))
    }

    fn run<T: DeserializeOwned + Observed>(
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
            log::attempt(&Attempt {
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

    /// One attempt: the request sent with the credential, the answer read.
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
        let headers = Headers {
            auth: (auth_name, &auth_value),
            content_type: request
                .content_type
                .or(request.method.has_body().then_some("application/json")),
            extra: &request.headers,
        };
        let body = request.body.as_deref().unwrap_or(b"{}");
        let agent = &self.inner.agent;
        let sent = match request.method {
            Method::Get => headers.on(agent.get(&url)).call(),
            Method::Delete => headers.on(agent.delete(&url)).call(),
            Method::Post => headers.on(agent.post(&url)).send(body),
            Method::Put => headers.on(agent.put(&url)).send(body),
            Method::Patch => headers.on(agent.patch(&url)).send(body),
        };
        let endpoint = request.endpoint;
        let response = sent.map_err(|e| self.call_error(endpoint, None, e))?;
        self.read(endpoint, response, seen)
    }
}

/// The headers of an API request, in the order they are sent: the
/// credential, `accept`, `content-type` when it carries a JSON body, then
/// the endpoint's own.
struct Headers<'a> {
    auth: (&'static str, &'a str),
    content_type: Option<&'static str>,
    extra: &'a [(&'static str, String)],
}

impl Headers<'_> {
    fn on<B>(&self, builder: RequestBuilder<B>) -> RequestBuilder<B> {
        let mut builder = builder
            .header(self.auth.0, self.auth.1)
            .header("accept", "application/json");
        if let Some(content_type) = self.content_type {
            builder = builder.header("content-type", content_type);
        }
        for (name, value) in self.extra {
            builder = builder.header(*name, value);
        }
        builder
    }
}

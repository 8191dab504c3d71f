//! The crate's one error type.

use std::path::PathBuf;
use std::time::Duration;

pub use crate::endpoint::{Endpoint, Provider};

/// Everything that can go wrong in a call. Every variant that comes from a
/// call names the [`Endpoint`]; none ever contains a credential.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The provider answered with an error (a non-2xx status, or a failure
    /// envelope under HTTP 200 for memories.ai).
    #[error(
        "{endpoint}: HTTP {status}{}: {message}{}",
        code_suffix(code),
        hint_suffix(hint)
    )]
    Api {
        /// The call.
        endpoint: Endpoint,
        /// The HTTP status of the answer.
        status: u16,
        /// The API's own error code, when it sent one.
        code: Option<String>,
        /// The API's own message, or a description of the body it sent.
        message: String,
        /// What the answer most likely means, per the provider's docs, where
        /// vidapi knows (a PixVerse 404 while the video is still being made,
        /// a MiniMax short id where the composite id is needed); shown after
        /// the message. [`Error::hint`] reads it.
        hint: Option<String>,
    },

    /// The credential was missing, wrong or not allowed (HTTP 401/403, or
    /// memories.ai codes 0401/0403).
    #[error(
        "{endpoint}: unauthorized (HTTP {status}{}): {message}",
        code_suffix(code)
    )]
    Unauthorized {
        /// The call.
        endpoint: Endpoint,
        /// The HTTP status of the answer.
        status: u16,
        /// The API's own error code, when it sent one.
        code: Option<String>,
        /// The API's own message.
        message: String,
    },

    /// The provider asked to slow down (HTTP 429, or memories.ai code 0429),
    /// and retrying within the configured budget did not help.
    #[error(
        "{endpoint}: rate limited (HTTP {status}{}){}: {message}",
        code_suffix(code),
        retry_suffix(retry_after)
    )]
    RateLimited {
        /// The call.
        endpoint: Endpoint,
        /// The HTTP status of the answer.
        status: u16,
        /// The API's own error code, when it sent one.
        code: Option<String>,
        /// The API's own message.
        message: String,
        /// How long the provider asked to wait (`Retry-After`), when it said.
        retry_after: Option<Duration>,
    },

    /// The call did not finish within the configured timeout.
    #[error("{endpoint}: timed out ({phase})")]
    Timeout {
        /// The call.
        endpoint: Endpoint,
        /// What was under way when time ran out.
        phase: String,
    },

    /// The request could not be sent or the answer could not be read: DNS,
    /// refused or reset connections, TLS, malformed HTTP.
    #[error("{endpoint}: transport failure: {message}")]
    Transport {
        /// The call.
        endpoint: Endpoint,
        /// What failed.
        message: String,
        /// True when no connection could be made, so the request surely did
        /// not reach the provider.
        connect: bool,
    },

    /// A 2xx answer whose body is not the JSON the endpoint documents.
    #[error("{endpoint}: HTTP {status}: undecodable body ({reason}); body starts {snippet:?}")]
    Decode {
        /// The call.
        endpoint: Endpoint,
        /// The HTTP status of the answer.
        status: u16,
        /// What the decoder objected to.
        reason: String,
        /// The first bytes of the body, lossily decoded and shortened.
        snippet: String,
    },

    /// The body was larger than the configured limit; reading stopped there.
    #[error("{endpoint}: HTTP {status}: body exceeds the {limit}-byte limit")]
    BodyTooLarge {
        /// The call.
        endpoint: Endpoint,
        /// The HTTP status of the answer.
        status: u16,
        /// The configured limit, in bytes.
        limit: u64,
    },

    /// The provider answered with a redirect. vidapi does not follow
    /// redirects: following one would send the credential to wherever it points.
    #[error("{endpoint}: HTTP {status}: redirect to {location:?} not followed")]
    Redirect {
        /// The call.
        endpoint: Endpoint,
        /// The HTTP status of the answer.
        status: u16,
        /// Where the provider pointed.
        location: String,
    },

    /// A media download's answer did not add up: a body shorter or longer
    /// than its `Content-Length`, or a `Content-Range` other than the range
    /// asked for. Never a silently truncated file.
    #[error("{endpoint}: HTTP {status}: {message}")]
    Media {
        /// The download, named by its provider.
        endpoint: Endpoint,
        /// The HTTP status of the answer (200 or 206).
        status: u16,
        /// What did not add up.
        message: String,
    },

    /// The video has no finished file to download: it is still being made,
    /// it failed, or the provider's answers carry no media URL (memories.ai).
    #[error("{provider} video {id:?} has no file to download: {reason}")]
    NoMedia {
        /// The provider.
        provider: Provider,
        /// The video's id, as given.
        id: String,
        /// Why: its stage, or what the provider lacks.
        reason: String,
    },

    /// A download's target file is already there, and replacing it was not
    /// asked for. Nothing was downloaded or written.
    #[error("{} already exists", path.display())]
    FileExists {
        /// The file.
        path: PathBuf,
    },

    /// A local file could not be created, written or moved into place.
    #[error("{}: {message}", path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// What failed.
        message: String,
    },

    /// A setting read from the environment is missing
    /// (`vidapi::accounts::Accounts::from_env`): the
    /// variable to set, and what needs it.
    #[error("{message}")]
    NotConfigured {
        /// The environment variables, any one of which would do.
        variables: Vec<&'static str>,
        /// What is missing and what needs it, naming the variables.
        message: String,
    },

    /// An argument or setting was rejected before any request was sent.
    #[error("invalid {name}: {reason}")]
    InvalidArgument {
        /// The argument or setting.
        name: &'static str,
        /// Why it was rejected.
        reason: String,
    },
}

fn code_suffix(code: &Option<String>) -> String {
    code.as_ref()
        .map(|c| format!(", code {c}"))
        .unwrap_or_default()
}

fn hint_suffix(hint: &Option<String>) -> String {
    hint.as_ref()
        .map(|h| format!(" (hint: {h})"))
        .unwrap_or_default()
}

fn retry_suffix(after: &Option<Duration>) -> String {
    after
        .map(|d| format!(", retry after {}s", d.as_secs_f64()))
        .unwrap_or_default()
}

impl Error {
    /// Whether the same call may succeed if tried again later: rate limits,
    /// the gateway statuses 502, 503 and 504, and failures to connect.
    /// Timeouts are not: the request may have been processed.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::RateLimited { .. } => true,
            Error::Api { status, .. } => matches!(status, 502..=504),
            Error::Transport { connect, .. } => *connect,
            _ => false,
        }
    }

    /// The HTTP status of the answer, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. }
            | Error::Unauthorized { status, .. }
            | Error::RateLimited { status, .. }
            | Error::Decode { status, .. }
            | Error::BodyTooLarge { status, .. }
            | Error::Redirect { status, .. }
            | Error::Media { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The call the error came from, unless it was rejected before one.
    pub fn endpoint(&self) -> Option<Endpoint> {
        match self {
            Error::Api { endpoint, .. }
            | Error::Unauthorized { endpoint, .. }
            | Error::RateLimited { endpoint, .. }
            | Error::Timeout { endpoint, .. }
            | Error::Transport { endpoint, .. }
            | Error::Decode { endpoint, .. }
            | Error::BodyTooLarge { endpoint, .. }
            | Error::Redirect { endpoint, .. }
            | Error::Media { endpoint, .. } => Some(*endpoint),
            Error::NoMedia { .. }
            | Error::FileExists { .. }
            | Error::File { .. }
            | Error::NotConfigured { .. }
            | Error::InvalidArgument { .. } => None,
        }
    }

    /// Whether the provider said the resource does not exist (HTTP 404).
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404) && matches!(self, Error::Api { .. })
    }

    /// What a provider's error answer most likely means, where vidapi
    /// knows from the provider's docs: for example a PixVerse lookup's 404
    /// while the video is still queued or generating, or a MiniMax short id
    /// where useapi.net's composite id is needed. Also shown by `Display`.
    pub fn hint(&self) -> Option<&str> {
        match self {
            Error::Api { hint, .. } => hint.as_deref(),
            _ => None,
        }
    }

    /// The error with `hint` ([`Error::hint`]) when it is a provider's
    /// error answer ([`Error::Api`]); any other error unchanged.
    pub(crate) fn with_hint(self, text: impl Into<String>) -> Self {
        match self {
            Error::Api {
                endpoint,
                status,
                code,
                message,
                ..
            } => Error::Api {
                endpoint,
                status,
                code,
                message,
                hint: Some(text.into()),
            },
            other => other,
        }
    }

    /// How long the provider asked to wait before trying again.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::RateLimited { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// Replaces every occurrence of `secret` in the texts the error carries
    /// (the provider's message and code, a body snippet, a redirect target).
    pub(crate) fn redact(mut self, secret: &str) -> Self {
        if secret.is_empty() {
            return self;
        }
        let texts: Vec<&mut String> = match &mut self {
            Error::Api {
                code,
                message,
                hint,
                ..
            } => code
                .iter_mut()
                .chain(hint.iter_mut())
                .chain(std::iter::once(message))
                .collect(),
            Error::Unauthorized { code, message, .. }
            | Error::RateLimited { code, message, .. } => {
                code.iter_mut().chain(std::iter::once(message)).collect()
            }
            Error::Decode {
                reason, snippet, ..
            } => vec![reason, snippet],
            Error::Transport { message, .. }
            | Error::Media { message, .. }
            | Error::File { message, .. } => vec![message],
            Error::NoMedia { reason, .. } | Error::InvalidArgument { reason, .. } => vec![reason],
            Error::NotConfigured { message, .. } => vec![message],
            Error::Redirect { location, .. } => vec![location],
            Error::Timeout { phase, .. } => vec![phase],
            Error::BodyTooLarge { .. } | Error::FileExists { .. } => Vec::new(),
        };
        for text in texts {
            if text.contains(secret) {
                *text = text.replace(secret, "[redacted]");
            }
        }
        self
    }

    /// The variant's name, for log events (which never carry the message).
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Error::Api { .. } => "Api",
            Error::Unauthorized { .. } => "Unauthorized",
            Error::RateLimited { .. } => "RateLimited",
            Error::Timeout { .. } => "Timeout",
            Error::Transport { .. } => "Transport",
            Error::Decode { .. } => "Decode",
            Error::BodyTooLarge { .. } => "BodyTooLarge",
            Error::Redirect { .. } => "Redirect",
            Error::Media { .. } => "Media",
            Error::NoMedia { .. } => "NoMedia",
            Error::FileExists { .. } => "FileExists",
            Error::File { .. } => "File",
            Error::NotConfigured { .. } => "NotConfigured",
            Error::InvalidArgument { .. } => "InvalidArgument",
        }
    }

    /// The API's own error code (memories.ai's `0429`), when it sent one.
    pub(crate) fn code(&self) -> Option<&str> {
        match self {
            Error::Api { code, .. }
            | Error::Unauthorized { code, .. }
            | Error::RateLimited { code, .. } => code.as_deref(),
            _ => None,
        }
    }

    /// A transport failure with `place` (where it was going: the host, and
    /// the proxy in between when one is set) added to its message:
    /// "connection refused" alone does not say where. Other errors are
    /// returned as they are.
    pub(crate) fn located(self, place: &str) -> Self {
        match self {
            Error::Transport {
                endpoint,
                message,
                connect,
            } => Error::Transport {
                endpoint,
                message: format!("{message} ({place})"),
                connect,
            },
            other => other,
        }
    }

    pub(crate) fn invalid(name: &'static str, reason: impl Into<String>) -> Self {
        Error::InvalidArgument {
            name,
            reason: reason.into(),
        }
    }

    /// The error for a provider's failure answer, classified by what the
    /// status (or the provider's own code mapped onto one) means.
    pub(crate) fn from_answer(failure: Failure) -> Self {
        let Failure {
            endpoint,
            status,
            meaning,
            code,
            message,
            retry_after,
        } = failure;
        match meaning {
            401 | 403 => Error::Unauthorized {
                endpoint,
                status,
                code,
                message,
            },
            429 => Error::RateLimited {
                endpoint,
                status,
                code,
                message,
                retry_after,
            },
            _ => Error::Api {
                endpoint,
                status,
                code,
                message,
                hint: None,
            },
        }
    }
}

/// What a refused or failed create call means for the job, from the
/// statuses useapi.net documents for its create endpoints
/// ([`Error::create_refusal`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CreateRefusal {
    /// 412: the account is out of credits; another account may take the job.
    OutOfCredits,
    /// 422: the prompt was moderated; the job failed and must not be sent again.
    Moderated,
    /// 429: no free capacity right now; the same job may be sent again later.
    NoCapacity,
    /// 596: the account is on hold (possibly for hours); stop using it.
    OnHold,
    /// 502 or 504: upstream busy. The job may have been accepted all the
    /// same (useapi.net warns of it), so it is not safe to send it again
    /// before finding out ([`Error::is_ambiguous`]).
    Busy,
}

impl std::fmt::Display for CreateRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            CreateRefusal::OutOfCredits => "out of credits",
            CreateRefusal::Moderated => "moderated",
            CreateRefusal::NoCapacity => "no free capacity",
            CreateRefusal::OnHold => "account on hold",
            CreateRefusal::Busy => "upstream busy",
        })
    }
}

impl Error {
    /// What this error, the answer to a create call, means for the job
    /// (412, 422, 429, 596, 502/504); `None` for any other error.
    pub fn create_refusal(&self) -> Option<CreateRefusal> {
        match self {
            Error::RateLimited { .. } => Some(CreateRefusal::NoCapacity),
            Error::Api { status, .. } => match status {
                412 => Some(CreateRefusal::OutOfCredits),
                422 => Some(CreateRefusal::Moderated),
                429 => Some(CreateRefusal::NoCapacity),
                596 => Some(CreateRefusal::OnHold),
                502 | 504 => Some(CreateRefusal::Busy),
                _ => None,
            },
            _ => None,
        }
    }

    /// Whether a request that ended with this error may have been carried
    /// out all the same: a 502 or 504 (upstream busy after it may have
    /// accepted), a timeout, or a connection that failed once the request
    /// could have been sent. A refusal with any other status, a failure to
    /// connect and an error before any request are not ambiguous.
    pub fn is_ambiguous(&self) -> bool {
        match self {
            Error::Api { status, .. } => matches!(status, 502 | 504),
            Error::Timeout { .. } => true,
            Error::Transport { connect, .. } => !connect,
            Error::Decode { .. } | Error::BodyTooLarge { .. } => true,
            _ => false,
        }
    }
}

/// A provider's failure answer before it is classified into an [`Error`].
#[derive(Debug)]
pub(crate) struct Failure {
    pub endpoint: Endpoint,
    /// The HTTP status on the wire.
    pub status: u16,
    /// The status this failure means: the HTTP status, or for failures
    /// reported inside a 200 envelope, the status the provider's code stands for.
    pub meaning: u16,
    pub code: Option<String>,
    pub message: String,
    pub retry_after: Option<Duration>,
}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_scrubs_every_text_an_error_carries() {
        let endpoint = Endpoint::new(Provider::MiniMax, "list videos");
        let secret = "user:s3cret";
        let errors = [
            Error::Api {
                endpoint,
                status: 400,
                code: Some(secret.into()),
                message: format!("bad {secret}"),
                hint: Some(format!("id {secret}")),
            },
            Error::RateLimited {
                endpoint,
                status: 429,
                code: None,
                message: secret.into(),
                retry_after: None,
            },
            Error::Decode {
                endpoint,
                status: 200,
                reason: secret.into(),
                snippet: format!("[{secret}]"),
            },
            Error::Transport {
                endpoint,
                message: secret.into(),
                connect: false,
            },
            Error::Redirect {
                endpoint,
                status: 302,
                location: format!("https://x/?t={secret}"),
            },
        ];
        for error in errors {
            let redacted = error.redact(secret);
            let shown = format!("{redacted} {redacted:?}");
            assert!(!shown.contains(secret), "{shown}");
            assert!(shown.contains("[redacted]"), "{shown}");
        }
    }

    #[test]
    fn create_errors_say_what_they_mean_for_the_job() {
        let endpoint = Endpoint::new(Provider::MiniMax, "create video");
        let api = |status| Error::Api {
            endpoint,
            status,
            code: None,
            message: String::new(),
            hint: None,
        };
        let refusal = |status| api(status).create_refusal();
        assert_eq!(refusal(412), Some(CreateRefusal::OutOfCredits));
        assert_eq!(refusal(422), Some(CreateRefusal::Moderated));
        assert_eq!(refusal(596), Some(CreateRefusal::OnHold));
        assert_eq!(refusal(502), Some(CreateRefusal::Busy));
        assert_eq!(refusal(504), Some(CreateRefusal::Busy));
        assert_eq!(refusal(400), None);
        let limited = Error::RateLimited {
            endpoint,
            status: 429,
            code: None,
            message: String::new(),
            retry_after: None,
        };
        assert_eq!(limited.create_refusal(), Some(CreateRefusal::NoCapacity));
        assert!(!limited.is_ambiguous());
        assert!(api(502).is_ambiguous() && api(504).is_ambiguous());
        assert!(!api(412).is_ambiguous() && !api(503).is_ambiguous());
        let transport = |connect| Error::Transport {
            endpoint,
            message: String::new(),
            connect,
        };
        assert!(transport(false).is_ambiguous(), "cut after sending");
        assert!(!transport(true).is_ambiguous(), "never connected");
        let timeout = Error::Timeout {
            endpoint,
            phase: "waiting for the answer".into(),
        };
        assert!(timeout.is_ambiguous());
        assert!(!Error::invalid("prompt", "empty").is_ambiguous());
    }
}

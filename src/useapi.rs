//! useapi.net: one token for the MiniMax and PixVerse endpoints, and the
//! error body they share.

crate::generated!("useapi");

use secrecy::SecretString;

use crate::config::Config;
use crate::error::Result;
use crate::minimax::MiniMax;
use crate::pixverse::PixVerse;
use crate::transport::{AuthScheme, Transport};

/// A blocking client for useapi.net: [`UseApi::minimax`] and
/// [`UseApi::pixverse`] share its token, connection pool and settings.
///
/// ```no_run
/// let useapi = vidapi::UseApi::new("user:1234-…");
/// let videos = useapi.minimax().videos(None)?;
/// let page = useapi.pixverse().videos(None, Some(10), None)?;
/// # Ok::<(), vidapi::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct UseApi {
    transport: Transport,
}

impl UseApi {
    /// The production host; the endpoints add `/v1/minimax` or `/v2/pixverse`.
    pub const BASE_URL: &'static str = "https://api.useapi.net";

    /// A client for the production host with default settings. The token is
    /// sent as `Authorization: Bearer <token>`, as is (it begins with `user:`).
    /// Always that host, [`BASE_URL`](Self::BASE_URL): it reads no variable
    /// ([`from_env`](Self::from_env) reads the credential, base URL, proxy, timeouts).
    pub fn new(token: impl Into<String>) -> Self {
        Self::with_config(token, Config::default())
            .expect("the default configuration names a valid https host")
    }

    /// A client with the given settings; fails on an invalid base URL or proxy.
    pub fn with_config(token: impl Into<String>, config: Config) -> Result<Self> {
        let secret = SecretString::from(token.into());
        let transport = Transport::new(
            Self::BASE_URL,
            AuthScheme::Bearer,
            secret,
            config,
            error_body,
        )?;
        Ok(UseApi { transport })
    }

    /// The MiniMax endpoints (`/v1/minimax/…`).
    pub fn minimax(&self) -> MiniMax<'_> {
        MiniMax {
            transport: &self.transport,
        }
    }

    /// The PixVerse endpoints (`/v2/pixverse/…`).
    pub fn pixverse(&self) -> PixVerse<'_> {
        PixVerse {
            transport: &self.transport,
        }
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        self.transport.base_url()
    }

    /// The settings the client was made with, for the media downloads it
    /// leads to (which never carry its credential).
    pub(crate) fn config(&self) -> &Config {
        self.transport.config()
    }

    /// The [drift](crate::drift) this client's responses have shown so far,
    /// across its clones and threads; empty when
    /// [`Config::record_drift`](crate::Config::record_drift) is off.
    pub fn drift(&self) -> Vec<crate::drift::Finding> {
        self.transport.drift()
    }

    /// Like [`drift`](Self::drift), and starts the record afresh.
    pub fn take_drift(&self) -> Vec<crate::drift::Finding> {
        self.transport.take_drift()
    }
}

/// Reads useapi.net's `{"error": …, "code": …}` body.
fn error_body(body: &[u8]) -> Option<(Option<String>, String)> {
    let parsed: ErrorBody = serde_json::from_slice(body).ok()?;
    let message = parsed.error?.into_string();
    Some((parsed.code.map(|c| c.to_string()), message))
}

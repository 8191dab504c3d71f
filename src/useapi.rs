//! useapi.net: one token for the MiniMax and PixVerse endpoints, and the
//! error body they share.

crate::generated!("useapi");

use crate::error::Provider;
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
}

crate::provider::client_shell!(
    UseApi, token, auth: AuthScheme::Bearer, errors: error_body,
    fields {},
    /// A client for the production host with default settings. The token is
    /// sent as `Authorization: Bearer <token>`, as is (it begins with `user:`).
    /// Always that host, [`BASE_URL`](Self::BASE_URL): it reads no variable
    /// ([`from_env`](Self::from_env) reads the credential, base URL, proxy, timeouts).
);

/// Reads useapi.net's `{"error": …, "code": …}` body.
fn error_body(body: &[u8]) -> Option<(Option<String>, String)> {
    let parsed: ErrorBody = serde_json::from_slice(body).ok()?;
    let message = parsed.error?.into_string();
    Some((parsed.code.map(|c| c.to_string()), message))
}

/// The two parts of useapi.net's composite video id
/// (`user:<n>-minimax:<account>-video:<id>`, `user:<n>-pixverse:<email>-video:<id>`):
/// the account it was made on and the provider's own id. `None` for any
/// other id, or another provider.
///
/// ```
/// use vidapi::{Provider, useapi::split_video_id};
/// let id = "user:1-minimax:studio-video:9";
/// assert_eq!(split_video_id(Provider::MiniMax, id), Some(("studio", "9")));
/// assert_eq!(split_video_id(Provider::PixVerse, id), None);
/// assert_eq!(split_video_id(Provider::MiniMax, "video_id_#2"), None);
/// ```
pub fn split_video_id(provider: Provider, id: &str) -> Option<(&str, &str)> {
    let marker = match provider {
        Provider::MiniMax => "-minimax:",
        Provider::PixVerse => "-pixverse:",
        _ => return None,
    };
    let (_, rest) = id.split_once(marker)?;
    let (account, own) = rest.rsplit_once("-video:")?;
    (!account.trim().is_empty() && !own.is_empty()).then_some((account, own))
}

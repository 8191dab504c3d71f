//! The provider contract: what every provider's video and list page answer,
//! whatever the provider calls its fields.
//!
//! Each provider module implements [`VideoRecord`] for its `Video` and
//! [`Page`] for what its list call answers, next to its own accessors (the
//! inherent `video.status()`, `video.id()`, … stay callable without
//! importing anything; the trait methods answer the same). The
//! cross-provider [`view`](crate::view) and [`accounts`](crate::accounts)
//! are written against these traits, so a new provider implements them in
//! its own module rather than adding arms there.
//!
//! Layer: above [`Stage`] and the provider names ([`Provider`]), below the
//! provider modules, which implement it.
//!
//! ```
//! use vidapi::provider::{Page, VideoRecord};
//!
//! // One function for every provider's videos.
//! fn done<V: VideoRecord>(videos: &[V]) -> Vec<&str> {
//!     videos.iter().filter(|v| v.is_final() && !v.is_failed()).filter_map(|v| v.id()).collect()
//! }
//! let page: vidapi::pixverse::VideoPage = serde_json::from_str(
//!     r#"{"data": [{"video_id": "v1", "video_status": 1, "url": "https://x/v.mp4"}], "total": 1}"#,
//! )?;
//! assert_eq!(done(page.items()), ["v1"]);
//! assert_eq!(Page::total(&page), Some(1));
//! assert_eq!(page.items()[0].stage(), Some(vidapi::Stage::Completed));
//! # Ok::<(), serde_json::Error>(())
//! ```

use chrono::{DateTime, Utc};

use crate::error::Provider;
use crate::stage::Stage;

/// A provider's video, read through the accessors every provider answers.
///
/// Every method has an inherent twin of the same name on each provider's
/// `Video` (so `video.status()` needs no import); the trait is for code
/// written once for all providers: generic (`V: VideoRecord`) or through
/// `&dyn VideoRecord`, as [`view::ProviderVideo::record`](crate::view::ProviderVideo::record) hands out.
pub trait VideoRecord {
    /// The provider the video comes from.
    fn provider(&self) -> Provider;

    /// The provider's id of the video, the one its lookup takes (where it
    /// has one); `None` when the provider sent none.
    fn id(&self) -> Option<&str>;

    /// Its name or, for generated videos, its prompt.
    fn title(&self) -> Option<&str>;

    /// Where the video is in its life, in the provider-neutral vocabulary;
    /// `None` when the video carries no status.
    fn stage(&self) -> Option<Stage>;

    /// The provider's own status as its `Status` enum shows it
    /// (`completed`, `ready`, `PARSE`, …); `None` when there is none.
    fn status_text(&self) -> Option<String>;

    /// Whether the status will not change any more: a final stage, or for a
    /// status vidapi does not know, the provider's own "final" flag where it
    /// sends one.
    fn is_final(&self) -> bool;

    /// Whether it ended without a usable result (failed, moderated,
    /// stopped, cancelled).
    fn is_failed(&self) -> bool;

    /// Where to watch it, once there is something to watch.
    fn playable_url(&self) -> Option<&str>;

    /// The finished file to download, once the video is completed; `None`
    /// before, and for providers whose answers carry no media URL.
    fn file_url(&self) -> Option<&str>;

    /// A thumbnail or cover image, where the provider sends one.
    fn thumbnail_url(&self) -> Option<&str> {
        None
    }

    /// When it was created, where the provider says.
    fn created_at(&self) -> Option<DateTime<Utc>>;
}

/// One answer of a provider's list call: the videos on it, how many there
/// are in all, and where the next page starts.
pub trait Page {
    /// The provider's video type.
    type Item: VideoRecord;
    /// What the list call takes to ask for the next page: PixVerse's
    /// `offset`, memories.ai's page number, MiniMax's `lastVideoId`.
    type Cursor;

    /// The videos on this page, in the provider's order (empty when it
    /// sent none).
    fn items(&self) -> &[Self::Item];

    /// How many videos match in all, where the provider says.
    fn total(&self) -> Option<u64>;

    /// Where the next page starts, to pass to the list call; `None` when
    /// this page says it is the last or does not say.
    fn next_cursor(&self) -> Option<Self::Cursor>;
}

/// Writes a provider's [`VideoRecord`] impl from its `Video`'s inherent
/// accessors (`id`, `title`, `status`, `is_final`, `is_failed`,
/// `playable_url`, `file_url`, `created_at`; the status enum's `stage()` and
/// `Display`), with an optional inherent thumbnail accessor.
macro_rules! video_record {
    ($video:ty, $provider:expr $(, thumbnail = $thumb:ident)? $(,)?) => {
        impl $crate::provider::VideoRecord for $video {
            fn provider(&self) -> $crate::Provider {
                $provider
            }
            fn id(&self) -> Option<&str> {
                <$video>::id(self)
            }
            fn title(&self) -> Option<&str> {
                <$video>::title(self)
            }
            fn stage(&self) -> Option<$crate::Stage> {
                <$video>::status(self).map(|s| s.stage())
            }
            fn status_text(&self) -> Option<String> {
                <$video>::status(self).map(|s| s.to_string())
            }
            fn is_final(&self) -> bool {
                <$video>::is_final(self)
            }
            fn is_failed(&self) -> bool {
                <$video>::is_failed(self)
            }
            fn playable_url(&self) -> Option<&str> {
                <$video>::playable_url(self)
            }
            fn file_url(&self) -> Option<&str> {
                <$video>::file_url(self)
            }
            $(
                fn thumbnail_url(&self) -> Option<&str> {
                    <$video>::$thumb(self)
                }
            )?
            fn created_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
                <$video>::created_at(self)
            }
        }
    };
}
pub(crate) use video_record;

/// Writes a provider status enum's `Display`: each known variant as the
/// word given, `Unknown(raw)` as `unknown (<raw>)`. The attributes (the
/// doc comment) go on `fmt`.
macro_rules! status_display {
    ($(#[$attr:meta])* $status:ty { $($variant:ident => $word:literal),+ $(,)? }) => {
        impl std::fmt::Display for $status {
            $(#[$attr])*
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self {
                    $(Self::$variant => f.write_str($word),)+
                    Self::Unknown(raw) => write!(f, "unknown ({raw})"),
                }
            }
        }
    };
}
pub(crate) use status_display;

/// Writes a provider client's shell: `new` (production host, default
/// settings), `with_config`, `base_url`, the crate's `config` (for media
/// downloads), `drift` and `take_drift`. The client is a struct with a
/// `transport` field and the fields given with their initial values; it
/// has a `BASE_URL` constant. `new`'s doc says how the credential is sent.
macro_rules! client_shell {
    (
        $client:ident, $credential:ident, auth: $auth:expr, errors: $errors:expr,
        fields { $($field:ident: $init:expr),* $(,)? },
        $(#[$new_doc:meta])*
    ) => {
        impl $client {
            $(#[$new_doc])*
            pub fn new($credential: impl Into<String>) -> Self {
                Self::with_config($credential, $crate::Config::default())
                    .expect("the default configuration names a valid https host")
            }

            /// A client with the given settings; fails on an invalid base URL or proxy.
            pub fn with_config(
                $credential: impl Into<String>,
                config: $crate::Config,
            ) -> $crate::Result<Self> {
                let secret = secrecy::SecretString::from($credential.into());
                let transport = $crate::transport::Transport::new(
                    Self::BASE_URL,
                    $auth,
                    secret,
                    config,
                    $errors,
                )?;
                Ok($client {
                    transport,
                    $($field: $init,)*
                })
            }

            /// The base URL requests go to.
            pub fn base_url(&self) -> &str {
                self.transport.base_url()
            }

            /// The settings the client was made with, for the media downloads it
            /// leads to (which never carry its credential).
            pub(crate) fn config(&self) -> &$crate::Config {
                self.transport.config()
            }

            /// The [drift](crate::drift) this client's responses have shown so far,
            /// across its clones and threads; empty when
            /// [`Config::record_drift`](crate::Config::record_drift) is off.
            pub fn drift(&self) -> Vec<$crate::drift::Finding> {
                self.transport.drift()
            }

            /// Like [`drift`](Self::drift), and starts the record afresh.
            pub fn take_drift(&self) -> Vec<$crate::drift::Finding> {
                self.transport.take_drift()
            }
        }
    };
}
pub(crate) use client_shell;

//! One view of a video across providers: [`Video`], what every provider
//! can say about one of its videos. The multi-provider list, find, wait and
//! download over it live in [`accounts`](crate::accounts).

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::error::Provider;
use crate::provider::VideoRecord;
use crate::{hourone, memories, minimax, pixverse};

// An earlier path, kept for existing users: the stage moved below the
// providers. (The multi-provider calls, once re-exported here too, live in
// `vidapi::accounts`: a view of one video does not depend on them.)
#[doc(no_inline)]
pub use crate::stage::Stage;

/// A video from any provider, reduced to what every provider can say.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Video {
    /// Where the video lives.
    #[serde(serialize_with = "provider_slug")]
    pub provider: Provider,
    /// The provider's id of the video (empty when it sent none).
    pub id: String,
    /// Where it is in its life, in the provider-neutral vocabulary.
    pub stage: Stage,
    /// The provider's own status, as sent (its `Status` enum's `Display`:
    /// memories.ai `PARSE_ERROR`, PixVerse `generating`, Hour One `ready`,
    /// MiniMax `completed`, …); `None` when the video carries no status.
    pub status: Option<String>,
    /// Whether the status will not change any more: a final stage, or for a
    /// status vidapi does not know, the provider's own "final" flag.
    pub is_final: bool,
    /// Its name or, for generated videos, its prompt.
    pub title: Option<String>,
    /// When it was created, when the provider says.
    pub created: Option<DateTime<Utc>>,
    /// Where to watch or download it, once there is something to watch.
    pub video_url: Option<String>,
    /// The finished file, for [`download`](crate::accounts::Accounts::download):
    /// the provider's download link where it has one (MiniMax `downloadURL`,
    /// Hour One `download_url`), else its playable URL (MiniMax `videoURL`,
    /// PixVerse `url`); `None` until the video is completed, and always for
    /// memories.ai, whose answers carry no media URL.
    pub file_url: Option<String>,
    /// A thumbnail or cover image.
    pub thumbnail_url: Option<String>,
}

fn provider_slug<S: serde::Serializer>(p: &Provider, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(p.slug())
}

fn owned(text: Option<&str>) -> Option<String> {
    text.map(str::to_owned)
}

/// Any provider's video, through the [provider contract](crate::provider):
/// one conversion for every provider (and for [`ProviderVideo`], and a
/// `&dyn VideoRecord`).
impl<V: VideoRecord + ?Sized> From<&V> for Video {
    fn from(v: &V) -> Self {
        Video {
            provider: v.provider(),
            id: v.id().unwrap_or_default().to_owned(),
            stage: v
                .stage()
                .unwrap_or_else(|| Stage::Unknown("missing".to_owned())),
            status: v.status_text(),
            is_final: v.is_final(),
            title: owned(v.title()),
            created: v.created_at(),
            video_url: owned(v.playable_url()),
            file_url: owned(v.file_url()),
            thumbnail_url: owned(v.thumbnail_url()),
        }
    }
}

/// One provider's own video, whole: what its single-video lookup answers,
/// with every field the provider sent. [`Accounts::wait_for`](crate::accounts::Accounts::wait_for) ends with
/// one; it serializes as the provider's own object (no wrapper), and
/// [`Video::from`] reduces it to the cross-provider record.
// One value per wait or lookup: plain variants keep matching simple, and the
// size difference (PixVerse's video is the largest) costs nothing there.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ProviderVideo {
    /// A MiniMax video.
    MiniMax(minimax::Video),
    /// A PixVerse video.
    PixVerse(pixverse::Video),
    /// An Hour One video.
    HourOne(hourone::Video),
    /// A memories.ai video.
    Memories(memories::Video),
}

impl ProviderVideo {
    /// The video through the [provider contract](crate::provider), whichever
    /// provider's it is.
    pub fn record(&self) -> &dyn VideoRecord {
        match self {
            ProviderVideo::MiniMax(v) => v,
            ProviderVideo::PixVerse(v) => v,
            ProviderVideo::HourOne(v) => v,
            ProviderVideo::Memories(v) => v,
        }
    }

    /// The provider it comes from.
    pub fn provider(&self) -> Provider {
        self.record().provider()
    }

    /// The provider's id of the video.
    pub fn id(&self) -> Option<&str> {
        self.record().id()
    }

    /// Its name or prompt.
    pub fn title(&self) -> Option<&str> {
        self.record().title()
    }

    /// Where it is in its life, in the provider-neutral vocabulary.
    pub fn stage(&self) -> Option<Stage> {
        self.record().stage()
    }

    /// The provider's own status, as its `Status` enum shows it
    /// (`completed`, `ready`, `PARSE`, …).
    pub fn status_text(&self) -> Option<String> {
        self.record().status_text()
    }

    /// Whether the status will not change any more.
    pub fn is_final(&self) -> bool {
        self.record().is_final()
    }

    /// Whether it ended without a usable result.
    pub fn is_failed(&self) -> bool {
        self.record().is_failed()
    }

    /// Where to watch it, once there is something to watch; always `None`
    /// for memories.ai.
    pub fn playable_url(&self) -> Option<&str> {
        self.record().playable_url()
    }

    /// When it was created, where the provider says.
    pub fn created_at(&self) -> Option<DateTime<Utc>> {
        self.record().created_at()
    }
}

impl VideoRecord for ProviderVideo {
    fn provider(&self) -> Provider {
        self.record().provider()
    }
    fn id(&self) -> Option<&str> {
        self.record().id()
    }
    fn title(&self) -> Option<&str> {
        self.record().title()
    }
    fn stage(&self) -> Option<Stage> {
        self.record().stage()
    }
    fn status_text(&self) -> Option<String> {
        self.record().status_text()
    }
    fn is_final(&self) -> bool {
        self.record().is_final()
    }
    fn is_failed(&self) -> bool {
        self.record().is_failed()
    }
    fn playable_url(&self) -> Option<&str> {
        self.record().playable_url()
    }
    fn file_url(&self) -> Option<&str> {
        self.record().file_url()
    }
    fn thumbnail_url(&self) -> Option<&str> {
        self.record().thumbnail_url()
    }
    fn created_at(&self) -> Option<DateTime<Utc>> {
        self.record().created_at()
    }
}

impl From<ProviderVideo> for Video {
    fn from(v: ProviderVideo) -> Self {
        Video::from(&v)
    }
}

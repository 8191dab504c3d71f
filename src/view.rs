//! One view of a video across providers: [`Video`], what every provider
//! can say about one of its videos. The multi-provider list, find, wait and
//! download over it live in [`accounts`](crate::accounts).

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::error::Provider;
use crate::{hourone, memories, minimax, pixverse};

// Earlier paths, kept for existing users: the stage moved below the
// providers, the multi-provider calls above this view.
#[doc(no_inline)]
pub use crate::accounts::{Accounts, Listing, WaitError};
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
    /// Where it is in its life.
    pub stage: Stage,
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

fn stage_of(stage: Option<Stage>) -> Stage {
    stage.unwrap_or_else(|| Stage::Unknown("missing".to_owned()))
}

impl From<&minimax::Video> for Video {
    fn from(v: &minimax::Video) -> Self {
        Video {
            provider: Provider::MiniMax,
            id: v.id().unwrap_or_default().to_owned(),
            stage: stage_of(v.status().map(|s| s.stage())),
            is_final: v.is_final(),
            title: owned(crate::wire::text(&v.desc)),
            created: None,
            video_url: owned(v.playable_url()),
            file_url: owned(v.file_url()),
            thumbnail_url: owned(v.cover_url()),
        }
    }
}

impl From<&pixverse::Video> for Video {
    fn from(v: &pixverse::Video) -> Self {
        Video {
            provider: Provider::PixVerse,
            id: crate::wire::text(&v.video_id)
                .unwrap_or_default()
                .to_owned(),
            stage: stage_of(v.status().map(|s| s.stage())),
            is_final: v.is_final(),
            title: owned(crate::wire::text(&v.prompt)),
            created: v.created_at(),
            video_url: owned(v.playable_url()),
            file_url: owned(v.file_url()),
            thumbnail_url: owned(v.thumbnail_url()),
        }
    }
}

impl From<&hourone::Video> for Video {
    fn from(v: &hourone::Video) -> Self {
        Video {
            provider: Provider::HourOne,
            id: crate::wire::text(&v.id).unwrap_or_default().to_owned(),
            stage: stage_of(v.status().map(|s| s.stage())),
            is_final: v.is_final(),
            title: owned(crate::wire::text(&v.name)),
            created: None,
            video_url: owned(v.playable_url()),
            file_url: owned(v.file_url()),
            thumbnail_url: None,
        }
    }
}

impl From<&memories::Video> for Video {
    fn from(v: &memories::Video) -> Self {
        Video {
            provider: Provider::Memories,
            id: crate::wire::text(&v.video_no)
                .unwrap_or_default()
                .to_owned(),
            stage: stage_of(v.status().map(|s| s.stage())),
            is_final: v.is_final(),
            title: owned(crate::wire::text(&v.video_name)),
            created: v.created_at(),
            video_url: None,
            file_url: None,
            thumbnail_url: None,
        }
    }
}

/// One provider's own video, whole: what its single-video lookup answers,
/// with every field the provider sent. [`Accounts::wait_for`] ends with
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

/// Calls the same accessor on whichever provider's video it is.
macro_rules! each {
    ($self:expr, $v:ident => $body:expr) => {
        match $self {
            ProviderVideo::MiniMax($v) => $body,
            ProviderVideo::PixVerse($v) => $body,
            ProviderVideo::HourOne($v) => $body,
            ProviderVideo::Memories($v) => $body,
        }
    };
}

impl ProviderVideo {
    /// The provider it comes from.
    pub fn provider(&self) -> Provider {
        match self {
            ProviderVideo::MiniMax(_) => Provider::MiniMax,
            ProviderVideo::PixVerse(_) => Provider::PixVerse,
            ProviderVideo::HourOne(_) => Provider::HourOne,
            ProviderVideo::Memories(_) => Provider::Memories,
        }
    }

    /// The provider's id of the video.
    pub fn id(&self) -> Option<&str> {
        each!(self, v => v.id())
    }

    /// Its name or prompt.
    pub fn title(&self) -> Option<&str> {
        each!(self, v => v.title())
    }

    /// Where it is in its life, in the provider-neutral vocabulary.
    pub fn stage(&self) -> Option<Stage> {
        each!(self, v => v.status().map(|s| s.stage()))
    }

    /// The provider's own status, as its `Status` enum shows it
    /// (`completed`, `ready`, `PARSE`, …).
    pub fn status_text(&self) -> Option<String> {
        each!(self, v => v.status().map(|s| s.to_string()))
    }

    /// Whether the status will not change any more.
    pub fn is_final(&self) -> bool {
        each!(self, v => v.is_final())
    }

    /// Whether it ended without a usable result.
    pub fn is_failed(&self) -> bool {
        each!(self, v => v.is_failed())
    }

    /// Where to watch it, once there is something to watch; always `None`
    /// for memories.ai.
    pub fn playable_url(&self) -> Option<&str> {
        each!(self, v => v.playable_url())
    }

    /// When it was created, where the provider says.
    pub fn created_at(&self) -> Option<DateTime<Utc>> {
        each!(self, v => v.created_at())
    }
}

impl From<&ProviderVideo> for Video {
    fn from(v: &ProviderVideo) -> Self {
        each!(v, inner => Video::from(inner))
    }
}

impl From<ProviderVideo> for Video {
    fn from(v: ProviderVideo) -> Self {
        Video::from(&v)
    }
}

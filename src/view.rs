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

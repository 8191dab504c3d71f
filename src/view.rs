//! One view of a video across providers, for listing and waiting.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::error::Provider;
use crate::{hourone, memories, minimax, pixverse};

/// Where a video is in its life, whatever the provider calls it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Stage {
    /// Accepted, waiting for its turn.
    Queued,
    /// Being generated or processed.
    Processing,
    /// Done and usable.
    Completed,
    /// Ended without a usable result (failed, moderated, stopped, cancelled).
    Failed,
    /// A status vidapi does not know, as the provider sent it.
    Unknown(String),
}

impl Stage {
    /// Whether the stage will not change any more. Unknown stages are not
    /// final: waiting on them ends by timeout, not by guess.
    pub fn is_final(&self) -> bool {
        matches!(self, Stage::Completed | Stage::Failed)
    }
}

impl std::fmt::Display for Stage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stage::Queued => f.write_str("queued"),
            Stage::Processing => f.write_str("processing"),
            Stage::Completed => f.write_str("completed"),
            Stage::Failed => f.write_str("failed"),
            Stage::Unknown(raw) => write!(f, "unknown ({raw})"),
        }
    }
}

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
    /// Whether the stage is final by the provider's own account.
    pub is_final: bool,
    /// Its name or, for generated videos, its prompt.
    pub title: Option<String>,
    /// When it was created, when the provider says.
    pub created: Option<DateTime<Utc>>,
    /// Where to watch or download it, once there is something to watch.
    pub video_url: Option<String>,
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
            thumbnail_url: None,
        }
    }
}

//! One view of a video across providers, for listing and waiting.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::error::{Error, Provider, Result};
use crate::{HourOne, Memories, UseApi, hourone, memories, minimax, pixverse};

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

/// Whether a video is final: known stages decide; for an unknown or missing
/// status, the provider's own "final" flag does (absent means not final).
pub(crate) fn final_or_flag(stage: Option<Stage>, flag: Option<&crate::wire::FlexBool>) -> bool {
    match stage {
        Some(Stage::Completed | Stage::Failed) => true,
        Some(Stage::Queued | Stage::Processing) => false,
        Some(Stage::Unknown(_)) | None => flag.and_then(crate::wire::FlexBool::get) == Some(true),
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
    /// Whether the status will not change any more: a final stage, or for a
    /// status vidapi does not know, the provider's own "final" flag.
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

/// The clients of whichever providers are configured, for working across
/// them: [`Accounts::list`] and [`Accounts::wait`].
#[derive(Clone, Debug, Default)]
pub struct Accounts {
    /// useapi.net (MiniMax and PixVerse), if configured.
    pub useapi: Option<UseApi>,
    /// Hour One, if configured.
    pub hourone: Option<HourOne>,
    /// memories.ai, if configured.
    pub memories: Option<Memories>,
}

/// What [`Accounts::list`] found: the videos of every provider that answered,
/// and the error of every provider that did not.
#[derive(Debug, Default)]
pub struct Listing {
    /// Videos, provider by provider, in each provider's order.
    pub videos: Vec<Video>,
    /// One error per provider that failed.
    pub failures: Vec<Error>,
}

impl Accounts {
    /// The providers whose credentials are set.
    pub fn providers(&self) -> Vec<Provider> {
        let mut providers = Vec::new();
        if self.useapi.is_some() {
            providers.extend([Provider::MiniMax, Provider::PixVerse]);
        }
        if self.hourone.is_some() {
            providers.push(Provider::HourOne);
        }
        if self.memories.is_some() {
            providers.push(Provider::Memories);
        }
        providers
    }

    fn not_configured(provider: Provider) -> Error {
        Error::invalid("provider", format!("{provider} is not configured"))
    }

    /// Every video of one provider, all pages.
    pub fn videos_of(&self, provider: Provider) -> Result<Vec<Video>> {
        let missing = || Self::not_configured(provider);
        match provider {
            Provider::MiniMax => {
                let useapi = self.useapi.as_ref().ok_or_else(missing)?;
                useapi
                    .minimax()
                    .videos_iter(None)
                    .map(|v| v.map(|v| Video::from(&v)))
                    .collect()
            }
            Provider::PixVerse => {
                let useapi = self.useapi.as_ref().ok_or_else(missing)?;
                useapi
                    .pixverse()
                    .videos_iter(None)
                    .map(|v| v.map(|v| Video::from(&v)))
                    .collect()
            }
            Provider::HourOne => {
                let hourone = self.hourone.as_ref().ok_or_else(missing)?;
                Ok(hourone.videos()?.iter().map(Video::from).collect())
            }
            Provider::Memories => {
                let memories = self.memories.as_ref().ok_or_else(missing)?;
                memories
                    .videos_iter(Default::default())
                    .map(|v| v.map(|v| Video::from(&v)))
                    .collect()
            }
        }
    }

    /// Every video of every configured provider. A provider that fails is
    /// reported in [`Listing::failures`] and does not hide the others.
    pub fn list(&self) -> Listing {
        let mut listing = Listing::default();
        for provider in self.providers() {
            match self.videos_of(provider) {
                Ok(videos) => listing.videos.extend(videos),
                Err(e) => listing.failures.push(e),
            }
        }
        listing
    }

    /// One video's current state: by id where the API can look one up
    /// (Hour One), by searching the list where it cannot. `Ok(None)` when
    /// the provider does not have it.
    pub fn find(&self, provider: Provider, id: &str) -> Result<Option<Video>> {
        if id.trim().is_empty() {
            return Err(Error::invalid("video id", "must not be empty"));
        }
        match provider {
            Provider::HourOne => {
                let hourone = self
                    .hourone
                    .as_ref()
                    .ok_or_else(|| Self::not_configured(provider))?;
                match hourone.video(id) {
                    Ok(video) => Ok(Some(Video::from(&video))),
                    Err(e) if e.is_not_found() => Ok(None),
                    Err(e) => Err(e),
                }
            }
            Provider::Memories => {
                let memories = self
                    .memories
                    .as_ref()
                    .ok_or_else(|| Self::not_configured(provider))?;
                let filter = memories::ListVideosRequest {
                    video_no: Some(id.to_owned()),
                    ..Default::default()
                };
                let page = memories.list_videos(&filter)?;
                Ok(page
                    .videos
                    .unwrap_or_default()
                    .iter()
                    .map(Video::from)
                    .find(|v| v.id == id))
            }
            Provider::MiniMax => {
                let useapi = self
                    .useapi
                    .as_ref()
                    .ok_or_else(|| Self::not_configured(provider))?;
                // Page with `lastVideoId`, stopping at the first match.
                for video in useapi.minimax().videos_iter(None) {
                    let video = video?;
                    if video.id() == Some(id) || crate::wire::text(&video.video_id) == Some(id) {
                        return Ok(Some(Video::from(&video)));
                    }
                }
                Ok(None)
            }
            Provider::PixVerse => {
                let useapi = self
                    .useapi
                    .as_ref()
                    .ok_or_else(|| Self::not_configured(provider))?;
                // Stop paging at the first match rather than listing everything.
                for video in useapi.pixverse().videos_iter(None) {
                    let video = video?;
                    if crate::wire::text(&video.video_id) == Some(id) {
                        return Ok(Some(Video::from(&video)));
                    }
                }
                Ok(None)
            }
        }
    }

    /// Polls [`Accounts::find`] every `interval` until the video is final
    /// ([`Video::is_final`]), calling `on_poll` with each state seen. Fails with
    /// [`WaitError::Timeout`] (carrying the last state) once `timeout` has
    /// passed, or with [`WaitError::NotFound`] if the provider lacks the video.
    pub fn wait(
        &self,
        provider: Provider,
        id: &str,
        timeout: Duration,
        interval: Duration,
        mut on_poll: impl FnMut(&Video),
    ) -> Result<Video, WaitError> {
        if interval.is_zero() || timeout.is_zero() {
            return Err(WaitError::Api(Error::invalid(
                "wait",
                "timeout and interval must be positive",
            )));
        }
        let deadline = Instant::now() + timeout;
        loop {
            let video = self.find(provider, id)?.ok_or(WaitError::NotFound)?;
            on_poll(&video);
            if video.is_final {
                return Ok(video);
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(WaitError::Timeout(Box::new(video)));
            }
            std::thread::sleep(interval.min(deadline - now));
        }
    }
}

/// Why [`Accounts::wait`] ended without a final state.
#[derive(Debug, thiserror::Error)]
pub enum WaitError {
    /// A call failed.
    #[error(transparent)]
    Api(#[from] Error),
    /// The provider does not have a video with that id.
    #[error("no video with that id")]
    NotFound,
    /// Time ran out; the last state seen.
    #[error("timed out waiting; last seen {}", .0.stage)]
    Timeout(Box<Video>),
}

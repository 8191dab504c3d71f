//! Hour One: create a video, read one or all, and read a video's metadata.
//!
//! ```no_run
//! use vidapi::hourone::CreateVideoRequest;
//! let hour = vidapi::HourOne::new("my-api-key");
//! let body = CreateVideoRequest {
//!     source_draft_id: Some("draft-123".into()),
//!     name: Some("Quarterly update".into()),
//!     ..Default::default()
//! };
//! let made = hour.create_video(&body, Some("workspace-1"), None)?;
//! let id = made.id.as_deref().unwrap_or_default();
//! let now = hour.video(id)?;
//! println!("{:?} {:?}%", now.status(), now.progress());
//! let meta = hour.video_metadata(id)?;
//! let all = hour.videos()?;
//! # Ok::<(), vidapi::Error>(())
//! ```

crate::generated!("hourone");

use crate::error::{Endpoint, Provider, Result};
use crate::stage::Stage;
use crate::transport::{AuthScheme, Request, Transport, optional_text, segment};
use crate::wire;

const LIST_VIDEOS: Endpoint = Endpoint::new(Provider::HourOne, "list videos");
const CREATE_VIDEO: Endpoint = Endpoint::new(Provider::HourOne, "create video");
const GET_VIDEO: Endpoint = Endpoint::new(Provider::HourOne, "get video");
const GET_METADATA: Endpoint = Endpoint::new(Provider::HourOne, "get video metadata");

/// A blocking client for the Hour One API.
#[derive(Clone, Debug)]
pub struct HourOne {
    transport: Transport,
}

impl HourOne {
    /// The production base, including `/api/v1`.
    pub const BASE_URL: &'static str = "https://api.makereals.com/api/v1";

    /// `GET /videos`: every video, as one array without paging.
    pub fn videos(&self) -> Result<Vec<Video>> {
        self.transport.send(Request::get(LIST_VIDEOS, "/videos"))
    }

    /// `POST /videos`: creates a video from a source draft or a recipe, with
    /// the optional `workspace-id` and `team-id` headers. Answers 201 with
    /// the new video. Never retried automatically: a retry could create it twice.
    ///
    /// An id given blank (`source_draft_id`, `recipe_id`, `folder_id`,
    /// `palette_id`, `character_id`, `voice_id`, `workspace_id`, `team_id`
    /// set to `""` or spaces) is refused before any request
    /// ([`Error::InvalidArgument`](crate::Error::InvalidArgument)): sent, it
    /// would create a video from nothing the caller meant.
    pub fn create_video(
        &self,
        body: &CreateVideoRequest,
        workspace_id: Option<&str>,
        team_id: Option<&str>,
    ) -> Result<Video> {
        for (name, value) in body.ids() {
            optional_text(name, value)?;
        }
        optional_text("workspace_id", workspace_id)?;
        optional_text("team_id", team_id)?;
        let request = Request::post(CREATE_VIDEO, "/videos")
            .header("workspace-id", workspace_id)?
            .header("team-id", team_id)?
            .json(body)?;
        self.transport.send(request)
    }

    /// `GET /videos/{video_id}`: one video.
    pub fn video(&self, video_id: &str) -> Result<Video> {
        let path = format!("/videos/{}", segment("video id", video_id)?);
        self.transport.send(Request::get(GET_VIDEO, path))
    }

    /// `GET /videos/{video_id}/metadata`: the video's metadata, an open object.
    pub fn video_metadata(&self, video_id: &str) -> Result<VideoMetadata> {
        let path = format!("/videos/{}/metadata", segment("video id", video_id)?);
        self.transport.send(Request::get(GET_METADATA, path))
    }
}

crate::provider::client_shell!(
    HourOne, api_key, auth: AuthScheme::ApiKey, errors: error_body,
    fields {},
    /// A client for the production host with default settings; the key is
    /// sent as the `api-key` header.
    /// Always that host, [`BASE_URL`](Self::BASE_URL): it reads no variable
    /// ([`from_env`](Self::from_env) reads the credential, base URL, proxy, timeouts).
);

impl HourOne {
    /// One video ([`video`](Self::video)), `Ok(None)` when Hour One
    /// answers 404.
    pub fn find(&self, video_id: &str) -> Result<Option<Video>> {
        match self.video(video_id) {
            Ok(video) => Ok(Some(video)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// Reads Hour One's error body, `{"detail": "…"}` or the validation form
/// `{"detail": [{"loc": [...], "msg": "…", "type": "…"}]}`, through the
/// generated [`ValidationError`].
fn error_body(body: &[u8]) -> Option<(Option<String>, String)> {
    let parsed: ValidationError = serde_json::from_slice(body).ok()?;
    Some((None, parsed.message()?))
}

impl CreateVideoRequest {
    /// The request's id fields by their JSON names, set or not:
    /// `source_draft_id`, `recipe_id`, `folder_id`, `palette_id`,
    /// `character_id`, `voice_id`.
    pub fn ids(&self) -> [(&'static str, Option<&str>); 6] {
        [
            ("source_draft_id", self.source_draft_id.as_deref()),
            ("recipe_id", self.recipe_id.as_deref()),
            ("folder_id", self.folder_id.as_deref()),
            ("palette_id", self.palette_id.as_deref()),
            ("character_id", self.character_id.as_deref()),
            ("voice_id", self.voice_id.as_deref()),
        ]
    }
}

impl ValidationError {
    /// What was wrong, as one line: each problem as `location: message`
    /// (`body.name: field required; body.recipe_id: field required`), or a
    /// plain `detail` as it was sent. `None` when there is no `detail`, or
    /// it says nothing.
    pub fn message(&self) -> Option<String> {
        let text = match self.detail.as_ref()? {
            ValidationDetail::FlexText(text) => text.trim().to_owned(),
            ValidationDetail::Array(entries) => entries
                .iter()
                .map(ValidationEntry::describe)
                .filter(|line| !line.is_empty())
                .collect::<Vec<_>>()
                .join("; "),
        };
        (!text.is_empty()).then_some(text)
    }

    /// The field problems of a 422, in the order sent; empty when `detail`
    /// is a plain message or absent.
    pub fn issues(&self) -> Vec<&ValidationIssue> {
        match &self.detail {
            Some(ValidationDetail::Array(entries)) => entries
                .iter()
                .filter_map(|entry| match entry {
                    ValidationEntry::ValidationIssue(issue) => Some(issue),
                    ValidationEntry::FlexText(_) => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    }
}

impl ValidationEntry {
    /// The entry as one line: `location: message` for a field problem.
    fn describe(&self) -> String {
        match self {
            ValidationEntry::ValidationIssue(issue) => {
                let place = issue.location();
                let msg = issue.message();
                if place.is_empty() {
                    msg.to_owned()
                } else {
                    format!("{place}: {msg}")
                }
            }
            ValidationEntry::FlexText(text) => text.trim().to_owned(),
        }
    }
}

impl ValidationIssue {
    /// `loc` joined with dots (`body.scenes.0.text`); list positions, sent
    /// as integers, read as their digits. Empty when `loc` is absent.
    pub fn location(&self) -> String {
        self.loc
            .iter()
            .flatten()
            .map(|part| part.as_str())
            .collect::<Vec<_>>()
            .join(".")
    }

    /// `msg`, or `invalid` when the server sent none.
    pub fn message(&self) -> &str {
        wire::text(&self.msg).unwrap_or("invalid")
    }
}

/// An Hour One video's rendering status.
///
/// `#[non_exhaustive]`: a status value the provider starts sending is
/// folded into the schema's `x-known-values` and gains an arm here, so a
/// `match` outside this crate needs a `_` arm.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Status {
    /// `not_started`.
    NotStarted,
    /// `started`.
    Started,
    /// `processing`.
    Processing,
    /// `ready`: rendered.
    Ready,
    /// `published`.
    Published,
    /// `failed`.
    Failed,
    /// `stopped`.
    Stopped,
    /// `cancelled`.
    Cancelled,
    /// A value vidapi does not know, as sent.
    Unknown(String),
}

impl Status {
    /// The status for a raw `status` value.
    pub fn parse(raw: &str) -> Status {
        match raw.trim().to_ascii_lowercase().as_str() {
            "not_started" => Status::NotStarted,
            "started" => Status::Started,
            "processing" => Status::Processing,
            "ready" => Status::Ready,
            "published" => Status::Published,
            "failed" => Status::Failed,
            "stopped" => Status::Stopped,
            "cancelled" | "canceled" => Status::Cancelled,
            _ => Status::Unknown(raw.to_owned()),
        }
    }

    /// Where the status sits in the provider-neutral life cycle; stopped and
    /// cancelled videos count as failed (final, with no video).
    pub fn stage(&self) -> Stage {
        match self {
            Status::NotStarted => Stage::Queued,
            Status::Started | Status::Processing => Stage::Processing,
            Status::Ready | Status::Published => Stage::Completed,
            Status::Failed | Status::Stopped | Status::Cancelled => Stage::Failed,
            Status::Unknown(raw) => Stage::Unknown(raw.clone()),
        }
    }
}

crate::provider::status_display!(
    /// The status as Hour One sends it: `not_started`, `started`,
    /// `processing`, `ready`, `published`, `failed`, `stopped`,
    /// `cancelled`; a value vidapi does not know as `unknown (<value>)`.
    Status {
        NotStarted => "not_started",
        Started => "started",
        Processing => "processing",
        Ready => "ready",
        Published => "published",
        Failed => "failed",
        Stopped => "stopped",
        Cancelled => "cancelled",
    }
);

impl Video {
    /// The video's id (`id`).
    pub fn id(&self) -> Option<&str> {
        wire::text(&self.id)
    }

    /// The video's title: its `name`, when it has one.
    pub fn title(&self) -> Option<&str> {
        wire::text(&self.name)
    }

    /// When the video was created: always `None`, because Hour One's video
    /// object carries no creation time. Here so that every provider's video
    /// answers the same accessors.
    pub fn created_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        None
    }

    /// The rendering status, or `None` when the video has none.
    pub fn status(&self) -> Option<Status> {
        wire::text(&self.status).map(Status::parse)
    }

    /// Whether the status will no longer change (ready, published, failed,
    /// stopped, cancelled).
    pub fn is_final(&self) -> bool {
        self.status().is_some_and(|s| s.stage().is_final())
    }

    /// Whether rendering ended without a video: failed, stopped or cancelled.
    pub fn is_failed(&self) -> bool {
        self.status().is_some_and(|s| s.stage() == Stage::Failed)
    }

    /// Rendering progress, 0 to 100; `None` when unknown (absent, or -1).
    pub fn progress(&self) -> Option<u8> {
        wire::int(&self.progress)
            .and_then(|p| u8::try_from(p).ok())
            .filter(|p| *p <= 100)
    }

    /// Where to get the finished video: `download_url`, else the player page.
    pub fn playable_url(&self) -> Option<&str> {
        if !self.status().is_some_and(|s| s.stage() == Stage::Completed) {
            return None;
        }
        wire::text(&self.download_url).or_else(|| wire::text(&self.video_player_url))
    }
}

impl Video {
    /// The finished file to download: `download_url`, once the video is
    /// ready or published. The player page (`video_player_url`) is a web
    /// page, not the file, so it is never offered here.
    pub fn file_url(&self) -> Option<&str> {
        if !self.status().is_some_and(|s| s.stage() == Stage::Completed) {
            return None;
        }
        wire::text(&self.download_url)
    }
}

impl VideoMetadata {
    /// The video's length in seconds, when the metadata says.
    pub fn duration_secs(&self) -> Option<f64> {
        wire::number(&self.duration)
    }

    /// The timing of each scene (`scenes_metadata`; empty when absent or
    /// `null`).
    pub fn scenes(&self) -> &[SceneMetadata] {
        self.scenes_metadata.as_deref().unwrap_or_default()
    }
}

crate::provider::video_record!(Video, Provider::HourOne);

impl crate::provider::Page for Vec<Video> {
    type Item = Video;
    /// Hour One's list is not paged: there is never a next page.
    type Cursor = std::convert::Infallible;

    fn items(&self) -> &[Video] {
        self
    }

    /// The number of videos: the list is every video, unpaged.
    fn total(&self) -> Option<u64> {
        Some(self.len() as u64)
    }

    fn next_cursor(&self) -> Option<std::convert::Infallible> {
        None
    }
}

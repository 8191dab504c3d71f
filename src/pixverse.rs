//! PixVerse through useapi.net v2: list videos, a page at a time or all of
//! them, and look one video up.
//!
//! ```no_run
//! let useapi = vidapi::UseApi::new("user:1234-…");
//! let page = useapi.pixverse().videos(Some("me@example.com"), Some(40), None)?;
//! println!("{} of {:?}", page.data.as_ref().map_or(0, Vec::len), page.total);
//! for video in useapi.pixverse().videos_iter(Some("me@example.com")) {
//!     let video = video?;
//!     println!("{:?} {:?}", video.status(), video.playable_url());
//! }
//! // One video; HTTP 404 while it is still queued or generating.
//! let one = useapi.pixverse().video("user:1234-pixverse:me@example.com-video:5678")?;
//! # Ok::<(), vidapi::Error>(())
//! ```

crate::generated!("pixverse");

use chrono::{DateTime, Utc};

use crate::error::{Endpoint, Provider, Result};
use crate::paging::Paged;
use crate::stage::{Stage, final_or_flag};
use crate::transport::{Request, Transport, optional_text, segment};
use crate::wire;

const LIST_VIDEOS: Endpoint = Endpoint::new(Provider::PixVerse, "list videos");
const GET_VIDEO: Endpoint = Endpoint::new(Provider::PixVerse, "get video");

/// What a 404 from the single-video lookup most likely means, per
/// useapi.net's docs.
const NOT_FOUND_HINT: &str = "useapi.net answers 404 while a PixVerse video is still queued or \
     generating, so it is most likely not finished yet, or else it was removed; PixVerse::find \
     and `vidapi wait pixverse` tell the two apart by the account's list";

/// The page size [`PixVerse::videos_iter`] asks for: the documented default.
pub const DEFAULT_PAGE_SIZE: u32 = 40;

/// The PixVerse endpoints of a [`UseApi`](crate::UseApi) client.
#[derive(Clone, Copy, Debug)]
pub struct PixVerse<'a> {
    pub(crate) transport: &'a Transport,
}

impl<'a> PixVerse<'a> {
    /// `GET /v2/pixverse/videos/?email=&limit=&offset=`: one page of the
    /// account's videos, including those queued or generating. `email` may
    /// be left out when only one PixVerse account is configured at useapi.net.
    /// The same call as [`videos_page`](Self::videos_page), with the query's
    /// fields as arguments.
    pub fn videos(
        &self,
        email: Option<&str>,
        limit: Option<u32>,
        offset: Option<u32>,
    ) -> Result<VideoPage> {
        self.videos_page(&VideosQuery {
            email: email.map(str::to_owned),
            limit,
            offset,
            ..Default::default()
        })
    }

    /// `GET /v2/pixverse/videos/?email=&limit=&offset=`: one page of the
    /// account's videos (`email`; may be left out when only one PixVerse
    /// account is configured at useapi.net), including those queued or
    /// generating: at most `limit` (server default 40), from `offset` (the
    /// previous page's [`next_offset`](VideoPage::next_offset)). Fields left
    /// `None` are not sent.
    ///
    /// ```no_run
    /// use vidapi::pixverse::VideosQuery;
    /// let useapi = vidapi::UseApi::new("user:1234-…");
    /// let query = VideosQuery { email: Some("me@example.com".into()), limit: Some(10), ..Default::default() };
    /// let page = useapi.pixverse().videos_page(&query)?;
    /// # Ok::<(), vidapi::Error>(())
    /// ```
    pub fn videos_page(&self, query: &VideosQuery) -> Result<VideoPage> {
        optional_text("email", query.email.as_deref())?;
        let request = Request::get(LIST_VIDEOS, "/v2/pixverse/videos/").query(query)?;
        self.transport.send(request)
    }

    /// `GET /v2/pixverse/videos/{video_id}`: one video, as later versions of
    /// the docs describe it. `video_id` is useapi.net's composite id
    /// (`user:…-pixverse:<email>-video:…`), sent as one encoded path
    /// segment. The answer is the same [`Video`] the list pages carry,
    /// decoded and checked for drift as its own root type
    /// (`schemas/pixverse/video.json`). useapi.net answers HTTP 404 while a video is still queued or
    /// generating, as it does for an id it does not know: the list tells the
    /// two apart ([`Accounts::find`](crate::accounts::Accounts::find) does).
    /// A 404 carries a [hint](crate::Error::hint) saying so.
    pub fn video(&self, video_id: &str) -> Result<Video> {
        let path = format!("/v2/pixverse/videos/{}", segment("video id", video_id)?);
        self.transport
            .send(Request::get(GET_VIDEO, path))
            .map_err(|e| {
                if e.is_not_found() {
                    e.with_hint(NOT_FOUND_HINT)
                } else {
                    e
                }
            })
    }

    /// Every video of the account, fetched [`DEFAULT_PAGE_SIZE`] at a time:
    /// each page asks from the previous page's `next_offset`, until `total`
    /// is reached, a page comes back empty, or the offset stops advancing.
    pub fn videos_iter(&self, email: Option<&'a str>) -> impl Iterator<Item = Result<Video>> + 'a {
        self.videos_iter_with(VideosQuery {
            email: email.map(str::to_owned),
            limit: Some(DEFAULT_PAGE_SIZE),
            ..Default::default()
        })
    }

    /// Every video the query matches, page after page as
    /// [`videos_page`](Self::videos_page) asks for them: pages of
    /// `query.limit` videos (by default [`DEFAULT_PAGE_SIZE`]) from
    /// `query.offset` (by default 0), each from the previous page's
    /// `next_offset`, until `total` is reached, a page comes back empty, or
    /// the offset stops advancing.
    pub fn videos_iter_with(&self, query: VideosQuery) -> impl Iterator<Item = Result<Video>> + 'a {
        let client = *self;
        let page_size = query.limit.unwrap_or(DEFAULT_PAGE_SIZE);
        let mut offset: Option<u32> = Some(query.offset.unwrap_or(0));
        Paged::new(move || {
            let Some(at) = offset else { return Ok(None) };
            let page = client.videos_page(&VideosQuery {
                limit: Some(page_size),
                offset: Some(at),
                ..query.clone()
            })?;
            let videos = page.data.unwrap_or_default();
            let total = wire::int(&page.total);
            let next = wire::int(&page.next_offset).unwrap_or(i64::from(at) + videos.len() as i64);
            offset = match u32::try_from(next) {
                Ok(next)
                    if next > at
                        && !videos.is_empty()
                        && total.is_none_or(|t| i64::from(next) < t) =>
                {
                    Some(next)
                }
                _ => None,
            };
            Ok((!videos.is_empty()).then_some(videos))
        })
    }

    /// Like [`PixVerse::videos_iter`], with pages of `page_size` videos.
    #[deprecated(
        note = "it yields videos, not pages: use `videos_iter_with(VideosQuery { email, limit: Some(page_size), .. })`"
    )]
    pub fn videos_pages(
        &self,
        email: Option<&'a str>,
        page_size: u32,
    ) -> impl Iterator<Item = Result<Video>> + 'a {
        self.videos_iter_with(VideosQuery {
            email: email.map(str::to_owned),
            limit: Some(page_size),
            ..Default::default()
        })
    }
}

impl PixVerse<'_> {
    /// One video, `Ok(None)` when PixVerse does not have it. useapi.net
    /// answers its lookup ([`video`](Self::video)) with 404 while a video is
    /// queued or generating, as it does for an id it does not know, so a
    /// 404 is followed by one read of the account's first page (the account
    /// the composite id names, else `email`): listed there as queued or
    /// generating, the video is still being made and that listed state is
    /// returned; otherwise it is not there.
    pub fn find(&self, video_id: &str, email: Option<&str>) -> Result<Option<Video>> {
        self.find_following(video_id, email, &mut None)
    }

    /// [`find`](Self::find) across polls: `seen` keeps the video as last
    /// listed queued or generating, and while it is set a 404 means "still
    /// so" (one request, no list read); a found video clears it.
    pub(crate) fn find_following(
        &self,
        video_id: &str,
        email: Option<&str>,
        seen: &mut Option<Video>,
    ) -> Result<Option<Video>> {
        match self.video(video_id) {
            Ok(video) => {
                *seen = None;
                Ok(Some(video))
            }
            Err(e) if e.is_not_found() => {
                if let Some(seen) = seen {
                    return Ok(Some(seen.clone()));
                }
                let email = email_in_id(video_id).or(email);
                *seen = self.listed_in_progress(video_id, email)?;
                Ok(seen.clone())
            }
            Err(e) => Err(e),
        }
    }

    /// The video, if the first page of the account (`email`) lists it as
    /// queued or generating: what a 404 means then ("still processing"). A
    /// video not on the first page, or listed in any other stage, is not there.
    fn listed_in_progress(&self, video_id: &str, email: Option<&str>) -> Result<Option<Video>> {
        let page = self.videos(email, Some(DEFAULT_PAGE_SIZE), None)?;
        Ok(page
            .data
            .unwrap_or_default()
            .into_iter()
            .filter(|v| v.id() == Some(video_id))
            .find(|v| {
                matches!(
                    v.status().map(|s| s.stage()),
                    Some(Stage::Queued | Stage::Processing)
                )
            }))
    }

    /// `GET /v2/pixverse/scheduler/available` (later useapi.net docs): the
    /// jobs running for the token's PixVerse accounts and each account's
    /// capacity (`maxJobs`, `executing`, `available`).
    pub fn scheduler_available(&self) -> Result<SchedulerAvailable> {
        let endpoint = Endpoint::new(Provider::PixVerse, "scheduler available");
        let request = Request::get(endpoint, "/v2/pixverse/scheduler/available");
        self.transport.send(request)
    }
}

impl PixVerse<'_> {
    /// `POST /v2/pixverse/videos/create` (the current path, revised May
    /// 2026): starts one video. Never retried: a create costs credits
    /// ([`Error::create_refusal`](crate::Error::create_refusal) tells what a
    /// refusal means for the job). The answer's id: [`CreatedVideo::video_id`].
    pub fn create(&self, body: &CreateVideoRequest) -> Result<CreatedVideo> {
        let endpoint = Endpoint::new(Provider::PixVerse, "create video");
        let request = Request::post(endpoint, "/v2/pixverse/videos/create")
            .json(body)?
            .retried(false);
        self.transport.send(request)
    }

    /// `POST /v2/pixverse/files/?email=` (Dec 2024): uploads a file's raw
    /// bytes as `content_type`. An upload is usable from any of the user's
    /// PixVerse accounts; [`UploadedFiles::frame_path`] is what a create's
    /// `first_frame_path` takes.
    pub fn upload(
        &self,
        email: Option<&str>,
        bytes: Vec<u8>,
        content_type: &'static str,
    ) -> Result<UploadedFiles> {
        let endpoint = Endpoint::new(Provider::PixVerse, "upload file");
        let mut request = Request::post(endpoint, "/v2/pixverse/files/");
        if let Some(email) = optional_text("email", email)? {
            request = request.query(&VideosQuery {
                email: Some(email.to_owned()),
                ..Default::default()
            })?;
        }
        self.transport.send(request.bytes(bytes, content_type))
    }
}

impl UploadedFiles {
    /// The uploaded file's path: the first image's `path`, else the
    /// top-level `path` (video or audio).
    pub fn frame_path(&self) -> Option<&str> {
        let image = self.result.as_ref().and_then(|r| r.first());
        image
            .and_then(|i| wire::text(&i.path))
            .or_else(|| wire::text(&self.path))
    }
}

impl CreatedVideo {
    /// The new video's composite id, what [`PixVerse::video`] takes.
    pub fn video_id(&self) -> Option<&str> {
        wire::text(&self.video_id)
    }
}

impl AccountCapacity {
    /// How many more videos the account can start now: `available`, else
    /// `maxJobs - executing`; `None` when the answer says neither.
    pub fn free(&self) -> Option<i64> {
        wire::int(&self.available).or_else(|| {
            let max = wire::int(&self.max_jobs)?;
            Some(max - wire::int(&self.executing).unwrap_or(0))
        })
    }
}

/// The account email inside a composite id
/// (`user:<userid>-pixverse:<email>-video:<n>`), to page that account.
fn email_in_id(id: &str) -> Option<&str> {
    let (_, rest) = id.split_once("-pixverse:")?;
    let (email, _) = rest.rsplit_once("-video:")?;
    (!email.trim().is_empty() && email.contains('@')).then_some(email)
}

/// A PixVerse video's status, from its numeric `video_status`.
///
/// `#[non_exhaustive]`: a status value the provider starts sending is
/// folded into the schema's `x-known-values` and gains an arm here, so a
/// `match` outside this crate needs a `_` arm.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Status {
    /// 5: waiting in the queue. The docs call this final; it is not.
    Queued,
    /// 10: being generated.
    Generating,
    /// 1: done; `url` is the video.
    Completed,
    /// 7: refused by moderation.
    Moderated,
    /// 8: generation failed.
    Failed,
    /// A code vidapi does not know, as sent.
    Unknown(String),
}

impl Status {
    /// The status for a raw `video_status`, falling back to useapi.net's
    /// `video_status_name` when the code is missing or unknown.
    /// The code may be of any tolerant type the schema gives it.
    pub fn from_parts(code: Option<&dyn wire::Tolerant>, name: Option<&str>) -> Option<Status> {
        let by_code = match code.and_then(|c| c.int()) {
            Some(1) => Some(Status::Completed),
            Some(5) => Some(Status::Queued),
            Some(10) => Some(Status::Generating),
            Some(7) => Some(Status::Moderated),
            Some(8) => Some(Status::Failed),
            _ => None,
        };
        let by_name = || match name?.trim().to_ascii_uppercase().as_str() {
            "COMPLETED" => Some(Status::Completed),
            "QUEUED" => Some(Status::Queued),
            "GENERATING" => Some(Status::Generating),
            "MODERATED" => Some(Status::Moderated),
            "FAILED" => Some(Status::Failed),
            _ => None,
        };
        by_code.or_else(by_name).or_else(|| {
            let raw = code
                .map(ToString::to_string)
                .or_else(|| name.map(str::to_owned))?;
            Some(Status::Unknown(raw))
        })
    }

    /// Where the status sits in the provider-neutral life cycle.
    pub fn stage(&self) -> Stage {
        match self {
            Status::Queued => Stage::Queued,
            Status::Generating => Stage::Processing,
            Status::Completed => Stage::Completed,
            Status::Moderated | Status::Failed => Stage::Failed,
            Status::Unknown(raw) => Stage::Unknown(raw.clone()),
        }
    }
}

crate::provider::status_display!(
    /// The status in lowercase, as useapi.net's `video_status_name` names it:
    /// `queued`, `generating`, `completed`, `moderated`, `failed`; a code
    /// vidapi does not know as `unknown (<code>)`.
    Status {
        Queued => "queued",
        Generating => "generating",
        Completed => "completed",
        Moderated => "moderated",
        Failed => "failed",
    }
);

impl VideoPage {
    /// How many videos the account has in all (`total`).
    pub fn total(&self) -> Option<u64> {
        wire::int(&self.total).and_then(|t| u64::try_from(t).ok())
    }

    /// Where the next page starts (`next_offset`, to pass as `offset`);
    /// `None` when the page does not say, or once `total` is reached.
    pub fn next_offset(&self) -> Option<u32> {
        let next = u32::try_from(wire::int(&self.next_offset)?).ok()?;
        match self.total() {
            Some(total) if u64::from(next) >= total => None,
            _ => Some(next),
        }
    }

    /// The videos on this page (`data`; empty when absent or `null`).
    pub fn videos(&self) -> &[Video] {
        self.data.as_deref().unwrap_or_default()
    }

    /// The items on this page, the videos: the same slice as
    /// [`videos`](Self::videos), under the name every page type answers
    /// (and the [`Page`](crate::provider::Page) trait's, without importing it).
    pub fn items(&self) -> &[Video] {
        self.videos()
    }
}

impl Video {
    /// useapi.net's `video_id` (`user:…-pixverse:<email>-video:…`), the id
    /// [`PixVerse::video`] looks a video up by.
    pub fn id(&self) -> Option<&str> {
        wire::text(&self.video_id)
    }

    /// The video's title: its prompt, when it has one.
    pub fn title(&self) -> Option<&str> {
        wire::text(&self.prompt)
    }

    /// The generation status, or `None` when the video carries neither
    /// `video_status` nor `video_status_name`.
    pub fn status(&self) -> Option<Status> {
        Status::from_parts(
            self.video_status.as_ref().map(|c| c as &dyn wire::Tolerant),
            wire::text(&self.video_status_name),
        )
    }

    /// Whether the status will no longer change. Unlike useapi.net's
    /// `video_status_final`, QUEUED is not final; for unknown codes the
    /// API's flag decides.
    pub fn is_final(&self) -> bool {
        final_or_flag(
            self.status().map(|s| s.stage()),
            // Through the trait: the flag may be widened by `schema update`.
            wire::flag(&self.video_status_final)
                .map(wire::FlexBool::from)
                .as_ref(),
        )
    }

    /// Whether generation failed or was moderated.
    pub fn is_failed(&self) -> bool {
        matches!(self.status(), Some(Status::Failed | Status::Moderated))
    }

    /// The video file's URL, once the video is completed.
    pub fn playable_url(&self) -> Option<&str> {
        (self.status() == Some(Status::Completed))
            .then(|| wire::text(&self.url))
            .flatten()
    }

    /// The finished file to download: `url`, once the video is completed.
    pub fn file_url(&self) -> Option<&str> {
        self.playable_url()
    }

    /// The first frame or, failing that, the source image.
    pub fn thumbnail_url(&self) -> Option<&str> {
        wire::text(&self.first_frame).or_else(|| wire::text(&self.img_url))
    }

    /// `created_at` as a timestamp; `None` when absent or not RFC 3339.
    pub fn created_at(&self) -> Option<DateTime<Utc>> {
        let text = wire::text(&self.created_at)?;
        DateTime::parse_from_rfc3339(text.trim())
            .ok()
            .map(|t| t.with_timezone(&Utc))
    }

    /// Whether this is an upscaled video (`upscaled` is 0 or 1 on the wire).
    pub fn is_upscaled(&self) -> bool {
        wire::flag(&self.upscaled) == Some(true)
    }

    /// Whether the watermark was removed (`remove_watermark`, 0 or 1).
    pub fn watermark_removed(&self) -> bool {
        wire::flag(&self.remove_watermark) == Some(true)
    }

    /// Whether this video extends another (`extended`, 0 or 1).
    pub fn is_extended(&self) -> bool {
        wire::flag(&self.extended) == Some(true)
    }

    /// `template_i18n_json`, which is JSON encoded inside a string, decoded.
    pub fn template_i18n(&self) -> Option<serde_json::Value> {
        serde_json::from_str(wire::text(&self.template_i18n_json)?).ok()
    }

    /// The requested length in seconds (`duration`); fractional values
    /// (`5.5`) and whole ones (`5`, `"5"`) both read.
    pub fn duration_secs(&self) -> Option<f64> {
        wire::number(&self.duration)
    }

    /// The rendered video's length in seconds (`video_duration`, `5.04`).
    pub fn video_duration_secs(&self) -> Option<f64> {
        wire::number(&self.video_duration)
    }

    /// The estimated wait in the queue, in seconds
    /// (`queue_data.queue_time`), while the video is queued.
    pub fn queue_time_secs(&self) -> Option<f64> {
        self.queue_data
            .as_ref()
            .and_then(QueueData::queue_time_secs)
    }
}

impl QueueData {
    /// The estimated wait in seconds (`queue_time`), fractional or whole.
    pub fn queue_time_secs(&self) -> Option<f64> {
        wire::number(&self.queue_time)
    }
}

crate::provider::video_record!(Video, Provider::PixVerse, thumbnail = thumbnail_url);

impl crate::provider::Page for VideoPage {
    type Item = Video;
    /// `offset`.
    type Cursor = u32;

    fn items(&self) -> &[Video] {
        self.videos()
    }

    fn total(&self) -> Option<u64> {
        VideoPage::total(self)
    }

    /// [`VideoPage::next_offset`].
    fn next_cursor(&self) -> Option<u32> {
        self.next_offset()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_in_composite_ids() {
        assert_eq!(
            email_in_id("user:<u>-pixverse:me+x@example.com-video:1000"),
            Some("me+x@example.com")
        );
        assert_eq!(email_in_id("user:<u>-pixverse:<email>-video:1"), None);
        assert_eq!(email_in_id("1000"), None);
    }
}

//! MiniMax (hailuoai.video) through useapi.net v1: list videos (one page,
//! or all of them page by page), look one video up, and list files.
//!
//! ```no_run
//! use vidapi::minimax::VideosQuery;
//! let useapi = vidapi::UseApi::new("user:1234-…");
//! for video in useapi.minimax().videos(Some("my-account"))? {
//!     println!("{:?} {:?} {:?}", video.id, video.status(), video.playable_url());
//! }
//! // Later versions of the docs page with `limit` and `lastVideoId`.
//! let query = VideosQuery { limit: Some(10), ..Default::default() };
//! let first = useapi.minimax().videos_page(&query)?;
//! for video in useapi.minimax().videos_iter(Some("my-account")) {
//!     println!("{:?}", video?.id());
//! }
//! let images = useapi.minimax().files(Some("my-account"), Some(25))?;
//! // One video by useapi.net's videoId; HTTP 404 means removed or moderated.
//! let one = useapi.minimax().video("user:1234-minimax:my-account-video:5678")?;
//! println!("{:?} {:?}", one.status(), one.file_url());
//! # Ok::<(), vidapi::Error>(())
//! ```

crate::generated!("minimax");

use std::collections::HashSet;

use crate::error::{Endpoint, Provider, Result};
use crate::paging::Paged;
use crate::stage::{Stage, final_or_flag};
use crate::transport::{Request, Transport, optional_text, segment};
use crate::wire;

const LIST_VIDEOS: Endpoint = Endpoint::new(Provider::MiniMax, "list videos");
const LIST_FILES: Endpoint = Endpoint::new(Provider::MiniMax, "list files");
const GET_VIDEO: Endpoint = Endpoint::new(Provider::MiniMax, "get video");

/// The page size [`MiniMax::videos_iter`] asks for: the server's default
/// `limit` in later versions of the docs.
pub const DEFAULT_PAGE_SIZE: u32 = 30;

/// How many files [`MiniMax::files`] answers when no `limit` is sent: the
/// server's documented default.
pub const DEFAULT_FILES_LIMIT: u32 = 10;

/// The MiniMax endpoints of a [`UseApi`](crate::UseApi) client.
#[derive(Clone, Copy, Debug)]
pub struct MiniMax<'a> {
    pub(crate) transport: &'a Transport,
}

impl<'a> MiniMax<'a> {
    /// `GET /v1/minimax/videos/?account=`: the account's videos, including
    /// those still being generated, as the seed docs describe the call (no
    /// paging parameters; later servers then answer their first 30).
    /// `account` may be left out when only one MiniMax account is
    /// configured at useapi.net.
    pub fn videos(&self, account: Option<&str>) -> Result<Vec<Video>> {
        self.videos_page(&VideosQuery {
            account: account.map(str::to_owned),
            ..Default::default()
        })
    }

    /// `GET /v1/minimax/videos/?account=&limit=&lastVideoId=`: one page of
    /// the account's videos, newest first, as later versions of the docs
    /// describe it: at most `limit` (server default 30), starting after
    /// `lastVideoId`. Fields left `None` are not sent, so a query with only
    /// `account` is exactly [`MiniMax::videos`]. A page with fewer than
    /// `limit` videos is the last.
    pub fn videos_page(&self, query: &VideosQuery) -> Result<Vec<Video>> {
        optional_text("account", query.account.as_deref())?;
        optional_text("lastVideoId", query.last_video_id.as_deref())?;
        let request = Request::get(LIST_VIDEOS, "/v1/minimax/videos/").query(query)?;
        self.transport.send(request).map(|list: VideoList| list.0)
    }

    /// Every video of the account, fetched [`DEFAULT_PAGE_SIZE`] at a time:
    /// each page asks for the videos after the previous page's last one
    /// (`lastVideoId`), until a page comes back with fewer than `limit`
    /// videos or its last id does not advance.
    pub fn videos_iter(
        &self,
        account: Option<&'a str>,
    ) -> impl Iterator<Item = Result<Video>> + 'a {
        self.videos_iter_with(VideosQuery {
            account: account.map(str::to_owned),
            limit: Some(DEFAULT_PAGE_SIZE),
            ..Default::default()
        })
    }

    /// Every video the query matches, page after page as
    /// [`videos_page`](Self::videos_page) asks for them: pages of
    /// `query.limit` videos (by default [`DEFAULT_PAGE_SIZE`], at least 1),
    /// starting after `query.last_video_id` (from the newest when `None`).
    /// A server that ignores `lastVideoId` and sends a page again ends the
    /// iteration, and a video already yielded is not yielded twice.
    ///
    /// ```no_run
    /// use vidapi::minimax::VideosQuery;
    /// let useapi = vidapi::UseApi::new("user:1234-…");
    /// let query = VideosQuery { account: Some("my-account".into()), limit: Some(10), ..Default::default() };
    /// for video in useapi.minimax().videos_iter_with(query) {
    ///     println!("{:?}", video?.id());
    /// }
    /// # Ok::<(), vidapi::Error>(())
    /// ```
    pub fn videos_iter_with(&self, query: VideosQuery) -> impl Iterator<Item = Result<Video>> + 'a {
        let client = *self;
        let limit = query.limit.unwrap_or(DEFAULT_PAGE_SIZE).max(1);
        let mut after: Option<String> = query.last_video_id.clone();
        let mut seen: HashSet<String> = HashSet::new();
        let mut done = false;
        Paged::new(move || {
            if done {
                return Ok(None);
            }
            let page = client.videos_page(&VideosQuery {
                limit: Some(limit),
                last_video_id: after.clone(),
                ..query.clone()
            })?;
            let full = page.len() >= limit as usize;
            let last = page.last().and_then(Video::id).map(str::to_owned);
            // The cursor advances only to an id this iteration has not seen.
            let advanced = last.as_ref().is_some_and(|id| !seen.contains(id));
            let fresh: Vec<Video> = page
                .into_iter()
                .filter(|v| v.id().is_none_or(|id| seen.insert(id.to_owned())))
                .collect();
            done = !(full && advanced);
            after = last;
            Ok(Some(fresh))
        })
    }

    /// Like [`MiniMax::videos_iter`], with pages of `page_size` videos (at
    /// least 1).
    #[deprecated(
        note = "it yields videos, not pages: use `videos_iter_with(VideosQuery { account, limit: Some(page_size), .. })`"
    )]
    pub fn videos_pages(
        &self,
        account: Option<&'a str>,
        page_size: u32,
    ) -> impl Iterator<Item = Result<Video>> + 'a {
        self.videos_iter_with(VideosQuery {
            account: account.map(str::to_owned),
            limit: Some(page_size),
            ..Default::default()
        })
    }

    /// `GET /v1/minimax/videos/{videoId}`: one video, as later versions of
    /// the docs describe it. `video_id` is useapi.net's composite id
    /// (`user:…-minimax:…-video:…`, a listed video's `videoId`), sent as one
    /// encoded path segment; it names the account too. The answer is the
    /// list's [`Video`], decoded and checked for drift as its own root type
    /// (`schemas/minimax/video.json`). HTTP 404
    /// ([`Error::is_not_found`](crate::Error::is_not_found)) means the video
    /// was removed or moderated.
    ///
    /// A 404 carries a [hint](crate::Error::hint) saying what it most likely
    /// means: for a short id (not `user:…-minimax:…-video:…`), that this
    /// lookup takes the composite id and [`find`](Self::find) looks a short
    /// id up; for a composite id, that the video was removed or moderated.
    pub fn video(&self, video_id: &str) -> Result<Video> {
        let path = format!("/v1/minimax/videos/{}", segment("video id", video_id)?);
        self.transport
            .send(Request::get(GET_VIDEO, path))
            .map_err(|e| {
                if e.is_not_found() {
                    e.with_hint(not_found_hint(video_id))
                } else {
                    e
                }
            })
    }

    /// `GET /v1/minimax/files/?account=&limit=`: images used to generate
    /// videos, at most `limit` of them (the server's default is 10).
    pub fn files(&self, account: Option<&str>, limit: Option<u32>) -> Result<Vec<File>> {
        let query = FilesQuery {
            account: optional_text("account", account)?.map(str::to_owned),
            limit,
            ..Default::default()
        };
        let request = Request::get(LIST_FILES, "/v1/minimax/files/").query(&query)?;
        self.transport.send(request).map(|list: FileList| list.0)
    }
}

impl MiniMax<'_> {
    /// One video by either of its ids, `Ok(None)` when MiniMax does not
    /// have it. useapi.net's composite id (`user:…-minimax:…-video:…`) is
    /// looked up in one request ([`video`](Self::video); 404, removed or
    /// moderated, is `None`). MiniMax's own short id names no account and
    /// cannot be looked up directly: the `account`'s list is paged
    /// ([`videos_iter`](Self::videos_iter)) until a video with that id
    /// turns up, stopping there, and the composite id it lists is then
    /// looked up (one more request), so the answer is the whole video, with
    /// the `downloadURL` a list may lack (where the server has no lookup,
    /// the listed video).
    pub fn find(&self, id: &str, account: Option<&str>) -> Result<Option<Video>> {
        self.find_learning(id, account, &mut None)
    }

    /// [`find`](Self::find), remembering in `learned` the composite id a
    /// short id turned out to have, and looking that up (one request) on
    /// later calls.
    pub(crate) fn find_learning(
        &self,
        id: &str,
        account: Option<&str>,
        learned: &mut Option<String>,
    ) -> Result<Option<Video>> {
        // Blank, `.`/`..` or control characters: no id, refused as the
        // lookup refuses them, before any request.
        segment("video id", id)?;
        let lookup = learned
            .clone()
            .or_else(|| is_useapi_video_id(id).then(|| id.to_owned()));
        if let Some(lookup) = lookup {
            // One request; 404 means removed or moderated.
            return match self.video(&lookup) {
                Ok(video) => Ok(Some(video)),
                Err(e) if e.is_not_found() => Ok(None),
                Err(e) => Err(e),
            };
        }
        let query = VideosQuery {
            account: account.map(str::to_owned),
            limit: Some(DEFAULT_PAGE_SIZE),
            ..Default::default()
        };
        for video in self.videos_iter_with(query) {
            let video = video?;
            if video.id() == Some(id) || video.lookup_id() == Some(id) {
                *learned = video
                    .lookup_id()
                    .filter(|l| is_useapi_video_id(l))
                    .map(str::to_owned);
                let Some(composite) = learned.as_deref() else {
                    return Ok(Some(video));
                };
                // The lookup's answer is the whole video (later versions add
                // `downloadURL`, which the list may lack); a server without
                // the lookup (404) leaves the listed video.
                return match self.video(composite) {
                    Ok(whole) => Ok(Some(whole)),
                    Err(e) if e.is_not_found() => Ok(Some(video)),
                    Err(e) => Err(e),
                };
            }
        }
        Ok(None)
    }
}

impl MiniMax<'_> {
    /// `POST /v1/minimax/videos/create`: starts one video. Never retried:
    /// a create costs credits, and MiniMax may have accepted the job even
    /// when it answers 502 or 504 ([`Error::create_refusal`](crate::Error::create_refusal)
    /// and [`Error::is_ambiguous`](crate::Error::is_ambiguous) tell what an
    /// error means for the job). The answer's id: [`CreatedVideo::video_id`].
    pub fn create(&self, body: &CreateVideoRequest) -> Result<CreatedVideo> {
        let request = Request::post(CREATE_VIDEO, "/v1/minimax/videos/create")
            .json(body)?
            .retried(false);
        self.transport.send(request)
    }

    /// `GET /v1/minimax/scheduler/available`: the jobs running for the
    /// token's MiniMax accounts (with the `replyRef` each was created with)
    /// and each account's capacity.
    pub fn scheduler_available(&self) -> Result<SchedulerAvailable> {
        let request = Request::get(SCHEDULER_AVAILABLE, "/v1/minimax/scheduler/available");
        self.transport.send(request)
    }

    /// `POST /v1/minimax/files/?account=`: uploads a file's raw bytes
    /// (`content_type` `image/png` or `image/jpeg`; webp may be sent as
    /// `image/jpeg`). The answer's `fileID` belongs to that account: the
    /// create that uses it must go there. `account` is required when
    /// several accounts are configured.
    pub fn upload(
        &self,
        account: Option<&str>,
        bytes: Vec<u8>,
        content_type: &'static str,
    ) -> Result<UploadedFile> {
        let query = FilesQuery {
            account: optional_text("account", account)?.map(str::to_owned),
            ..Default::default()
        };
        let request = Request::post(UPLOAD_FILE, "/v1/minimax/files/")
            .query(&query)?
            .bytes(bytes, content_type);
        self.transport.send(request)
    }
}

impl MiniMax<'_> {
    /// `POST /v1/minimax/videos/cancel` (Jan 2025): stops making the video
    /// with that composite id (`user:…-minimax:…-video:…`). Not retried.
    pub fn cancel(&self, video_id: &str) -> Result<Cancelled> {
        segment("videoId", video_id)?;
        let body = CancelRequest {
            video_id: Some(video_id.to_owned()),
        };
        let endpoint = Endpoint::new(Provider::MiniMax, "cancel video");
        let request = Request::post(endpoint, "/v1/minimax/videos/cancel").json(&body)?;
        self.transport.send(request)
    }
}

const UPLOAD_FILE: Endpoint = Endpoint::new(Provider::MiniMax, "upload file");

impl UploadedFile {
    /// The id a create's `fileID` takes.
    pub fn file_id(&self) -> Option<&str> {
        wire::text(&self.file_id)
    }

    /// The account a `fileID` (`user:<id>-minimax:<account>-file:<id>`)
    /// belongs to.
    pub fn account(&self) -> Option<&str> {
        let (_, rest) = self.file_id()?.split_once("-minimax:")?;
        let (account, _) = rest.rsplit_once("-file:")?;
        (!account.is_empty()).then_some(account)
    }
}

const CREATE_VIDEO: Endpoint = Endpoint::new(Provider::MiniMax, "create video");
const SCHEDULER_AVAILABLE: Endpoint = Endpoint::new(Provider::MiniMax, "scheduler available");

impl CreatedVideo {
    /// The new video's id: useapi.net's composite `videoId` when the answer
    /// has one (what the lookup takes), else MiniMax's own `data.id`.
    pub fn video_id(&self) -> Option<&str> {
        wire::text(&self.video_id).or_else(|| self.data.as_ref().and_then(|d| wire::text(&d.id)))
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

/// Whether `id` is useapi.net's composite video id
/// (`user:…-minimax:…-video:…`), the id [`MiniMax::video`] takes; MiniMax's
/// own short id (`video_id_#2`, what a listed video's `id` holds) is not.
///
/// ```
/// assert!(vidapi::minimax::is_composite_id("user:1-minimax:acc-video:9"));
/// assert!(!vidapi::minimax::is_composite_id("video_id_#2"));
/// ```
pub fn is_composite_id(id: &str) -> bool {
    is_useapi_video_id(id)
}

/// What a 404 from the single-video lookup most likely means, per
/// useapi.net's docs.
fn not_found_hint(video_id: &str) -> String {
    if is_useapi_video_id(video_id) {
        "useapi.net answers 404 for a MiniMax video that was removed or moderated".to_owned()
    } else {
        format!(
            "{video_id:?} looks like MiniMax's short id, and this lookup takes useapi.net's \
             composite videoId (user:…-minimax:…-video:…, a listed video's `videoId`); \
             MiniMax::find, and vidapi's `minimax video`, `wait` and `download`, look a short \
             id up in the account's list"
        )
    }
}

fn is_useapi_video_id(id: &str) -> bool {
    id.starts_with("user:") && id.contains("-video:")
}

/// A MiniMax video's generation status, from its numeric `status` code.
///
/// `#[non_exhaustive]`: a status value the provider starts sending is
/// folded into the schema's `x-known-values` and gains an arm here, so a
/// `match` outside this crate needs a `_` arm.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Status {
    /// 0: waiting to start.
    Pending,
    /// 11: queued.
    Queued,
    /// 1 or 12: being generated.
    Processing,
    /// 2: done; the video URL is set.
    Completed,
    /// 3: generation failed.
    Failed,
    /// 5, 7 or 14: refused by moderation (the code is in `status`).
    Moderated,
    /// A code vidapi does not know, as sent.
    Unknown(String),
}

impl Status {
    /// The status for a raw `status` value, whichever tolerant type the
    /// schema gives it.
    pub fn from_code(code: &dyn wire::Tolerant) -> Status {
        match code.int() {
            Some(0) => Status::Pending,
            Some(11) => Status::Queued,
            Some(1 | 12) => Status::Processing,
            Some(2) => Status::Completed,
            Some(3) => Status::Failed,
            Some(5 | 7 | 14) => Status::Moderated,
            _ => Status::Unknown(code.to_string()),
        }
    }

    /// Where the status sits in the provider-neutral life cycle.
    pub fn stage(&self) -> Stage {
        match self {
            Status::Pending | Status::Queued => Stage::Queued,
            Status::Processing => Stage::Processing,
            Status::Completed => Stage::Completed,
            Status::Failed | Status::Moderated => Stage::Failed,
            Status::Unknown(raw) => Stage::Unknown(raw.clone()),
        }
    }
}

crate::provider::status_display!(
    /// The status as MiniMax labels it (its lowercase `statusLabel`
    /// vocabulary): `pending`, `queued`, `processing`, `completed`,
    /// `failed`, `moderated`; a code vidapi does not know as
    /// `unknown (<code>)`.
    Status {
        Pending => "pending",
        Queued => "queued",
        Processing => "processing",
        Completed => "completed",
        Failed => "failed",
        Moderated => "moderated",
    }
);

impl Video {
    /// The video's title: its prompt (`desc`), when it has one.
    pub fn title(&self) -> Option<&str> {
        wire::text(&self.desc)
    }

    /// When the video was created: always `None`, because MiniMax's video
    /// object carries no creation time. Here so that every provider's video
    /// answers the same accessors.
    pub fn created_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        None
    }

    /// The generation status, or `None` when the video has no `status`.
    pub fn status(&self) -> Option<Status> {
        self.status.as_ref().map(|code| Status::from_code(code))
    }

    /// Whether the status will no longer change. For codes vidapi does not
    /// know, falls back to the API's own `statusFinal`.
    pub fn is_final(&self) -> bool {
        final_or_flag(
            self.status().map(|s| s.stage()),
            wire::flag(&self.status_final)
                .map(wire::FlexBool::from)
                .as_ref(),
        )
    }

    /// Whether generation failed or was moderated.
    pub fn is_failed(&self) -> bool {
        matches!(self.status(), Some(Status::Failed | Status::Moderated))
    }

    /// The URL of the finished video: `videoURL`, else `downloadURL`.
    pub fn playable_url(&self) -> Option<&str> {
        wire::text(&self.video_url).or_else(|| wire::text(&self.download_url))
    }

    /// The finished file to download, once the video is completed:
    /// `downloadURL` (later versions), else `videoURL`.
    pub fn file_url(&self) -> Option<&str> {
        if self.status() != Some(Status::Completed) {
            return None;
        }
        wire::text(&self.download_url).or_else(|| wire::text(&self.video_url))
    }

    /// useapi.net's composite `videoId` (`user:…-minimax:…-video:…`), the
    /// id [`MiniMax::video`] looks a video up by.
    pub fn lookup_id(&self) -> Option<&str> {
        wire::text(&self.video_id)
    }

    /// The cover image URL, when there is one.
    pub fn cover_url(&self) -> Option<&str> {
        wire::text(&self.cover_url)
    }

    /// The id to show and to look the video up by: `id`, else `videoId`.
    pub fn id(&self) -> Option<&str> {
        wire::text(&self.id).or_else(|| wire::text(&self.video_id))
    }
}

crate::provider::video_record!(Video, Provider::MiniMax, thumbnail = cover_url);

impl VideoList {
    /// The videos, as a slice: the name every page type answers
    /// ([`MiniMax::videos`] hands out the `Vec` itself).
    pub fn items(&self) -> &[Video] {
        &self.0
    }
}

impl FileList {
    /// The files, as a slice: the name every page type answers
    /// ([`MiniMax::files`] hands out the `Vec` itself).
    pub fn items(&self) -> &[File] {
        &self.0
    }
}

impl crate::provider::Page for Vec<Video> {
    type Item = Video;
    /// `lastVideoId`: the page's last video's id.
    type Cursor = String;

    fn items(&self) -> &[Video] {
        self
    }

    /// Always `None`: MiniMax's list says no total.
    fn total(&self) -> Option<u64> {
        None
    }

    /// The last video's id, to pass as `lastVideoId`; `None` on an empty
    /// page. Only a page with as many videos as the `limit` asked for has
    /// another after it.
    fn next_cursor(&self) -> Option<String> {
        self.last().and_then(Video::id).map(str::to_owned)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn composite_ids() {
        assert!(is_useapi_video_id("user:1-minimax:acc-video:9"));
        assert!(!is_useapi_video_id("video_id_#2"));
    }
}

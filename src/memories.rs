//! memories.ai: list uploaded videos, with filters, a page at a time or all.
//!
//! ```no_run
//! use vidapi::memories::{ApiVersion, ListVideosRequest, ListVideosV1Request};
//! let mem = vidapi::Memories::new("my-api-key");
//! let filter = ListVideosRequest { status: Some("DONE".into()), ..Default::default() };
//! let page = mem.list_videos(&filter)?;
//! for video in mem.videos_iter(filter) {
//!     let video = video?;
//!     println!("{:?} {:?} {:?}", video.video_no, video.status(), video.created_at());
//! }
//! // The newer endpoint, POST /serve/api/v1/list_videos, filters by `unique_id`.
//! let v1 = vidapi::Memories::new("my-api-key").with_api(ApiVersion::V1);
//! let all_done = v1.list_videos(&ListVideosRequest { status: Some("DONE".into()), ..Default::default() })?;
//! let filter = ListVideosV1Request { unique_id: Some("project-a".into()), ..Default::default() };
//! let page = v1.list_videos_v1(&filter)?;
//! # Ok::<(), vidapi::Error>(())
//! ```

crate::generated!("memories");

use chrono::{DateTime, Utc};

use crate::endpoint::{Limit, Rate};
use crate::error::{Endpoint, Error, Failure, Provider, Result};
use crate::paging::Paged;
use crate::stage::Stage;
use crate::transport::{AuthScheme, Request, Transport, optional_text};
use crate::wire;

/// `POST /serve/api/video/list_videos`, as errors, log events and
/// [`Config::pace`](crate::Config::pace) name it. Documented limit: 5
/// requests per second, which the client keeps ([`crate::pace`]).
pub const LIST_VIDEOS: Endpoint =
    Endpoint::new(Provider::Memories, "list videos").limited(&LIST_LIMIT);
/// `POST /serve/api/v1/list_videos` (newer docs), as errors, log events and
/// [`Config::pace`](crate::Config::pace) name it; counts against the same
/// documented limit as [`LIST_VIDEOS`]: 5 requests per second between them.
pub const LIST_VIDEOS_V1: Endpoint =
    Endpoint::new(Provider::Memories, "list videos (v1)").limited(&LIST_LIMIT);
/// The documented limit both list endpoints count against: 5 requests per
/// second between them.
const LIST_LIMIT: Limit = Limit {
    rate: Rate::per_second(5),
    name: "memories.ai list",
};

/// The page size [`Memories::videos_iter`] asks for when the filter names
/// none: the documented default.
pub const DEFAULT_PAGE_SIZE: u32 = 20;

/// Which of memories.ai's list endpoints a [`Memories`] client calls. Both
/// answer the same envelope with the same [`Video`]s.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ApiVersion {
    /// `POST /serve/api/video/list_videos`, filtering by `folder_id`: the
    /// endpoint the docs this crate started from describe, and the default.
    #[default]
    Original,
    /// `POST /serve/api/v1/list_videos`, from newer docs: `unique_id` in
    /// place of `folder_id`.
    V1,
}

impl ApiVersion {
    /// The endpoint's path below the host.
    pub fn path(self) -> &'static str {
        match self {
            ApiVersion::Original => "/serve/api/video/list_videos",
            ApiVersion::V1 => "/serve/api/v1/list_videos",
        }
    }

    fn endpoint(self) -> Endpoint {
        match self {
            ApiVersion::Original => LIST_VIDEOS,
            ApiVersion::V1 => LIST_VIDEOS_V1,
        }
    }
}

/// A blocking client for the memories.ai API.
#[derive(Clone, Debug)]
pub struct Memories {
    transport: Transport,
    api: ApiVersion,
}

impl Memories {
    /// The production host.
    pub const BASE_URL: &'static str = "https://api.memories.ai";

    /// The same client (sharing its connections and drift record), calling
    /// the list endpoint of `api` from [`list_videos`](Self::list_videos)
    /// and [`videos_iter`](Self::videos_iter), and so from
    /// [`Accounts`](crate::accounts::Accounts): [`ApiVersion::V1`] opts in to
    /// `POST /serve/api/v1/list_videos`.
    pub fn with_api(mut self, api: ApiVersion) -> Self {
        self.api = api;
        self
    }

    /// The list endpoint [`list_videos`](Self::list_videos) calls.
    pub fn api(&self) -> ApiVersion {
        self.api
    }

    /// `POST /serve/api/video/list_videos`: one page of videos matching the
    /// filter, sent as a JSON body. A read, so retried like a GET. A failure
    /// envelope (`code` other than "0000") under HTTP 200 is an error.
    ///
    /// On a client [`with_api(ApiVersion::V1)`](Self::with_api) the same
    /// filters go to `POST /serve/api/v1/list_videos` instead, as
    /// [`list_videos_v1`](Self::list_videos_v1) sends them; `folder_id`,
    /// which v1 does not take, is then refused before anything is sent.
    pub fn list_videos(&self, filter: &ListVideosRequest) -> Result<VideoPage> {
        if self.api == ApiVersion::V1 {
            return self.list_videos_v1(&v1_filter(filter)?);
        }
        optional_text("video_name", filter.video_name.as_deref())?;
        optional_text("video_no", filter.video_no.as_deref())?;
        optional_text("status", filter.status.as_deref())?;
        self.send_list(ApiVersion::Original, filter)
    }

    /// `POST /serve/api/v1/list_videos`, the newer list endpoint (whatever
    /// [`with_api`](Self::with_api) says): one page of videos matching the
    /// filter, which takes `unique_id` in place of `folder_id`. The same
    /// envelope, [`VideoPage`] and [`Video`] as the original endpoint.
    pub fn list_videos_v1(&self, filter: &ListVideosV1Request) -> Result<VideoPage> {
        optional_text("video_name", filter.video_name.as_deref())?;
        optional_text("video_no", filter.video_no.as_deref())?;
        optional_text("unique_id", filter.unique_id.as_deref())?;
        optional_text("status", filter.status.as_deref())?;
        self.send_list(ApiVersion::V1, filter)
    }

    fn send_list(&self, api: ApiVersion, body: &impl serde::Serialize) -> Result<VideoPage> {
        let endpoint = api.endpoint();
        let request = Request::post(endpoint, api.path())
            .json(body)?
            .retried(true);
        let envelope: ListVideosResponse = self
            .transport
            .send_checked(request, |envelope| failure(endpoint, envelope))?;
        Ok(envelope.data.unwrap_or_default())
    }

    /// Every video matching the filter, page after page from `filter.page`
    /// (or 1), until `total_count` is reached or a page comes back short;
    /// each page as [`list_videos`](Self::list_videos) asks for it.
    pub fn videos_iter(
        &self,
        filter: ListVideosRequest,
    ) -> impl Iterator<Item = Result<Video>> + '_ {
        pages(filter, move |f| self.list_videos(f))
    }

    /// Like [`videos_iter`](Self::videos_iter), from the v1 endpoint with
    /// its own filters ([`list_videos_v1`](Self::list_videos_v1)).
    pub fn videos_iter_v1(
        &self,
        filter: ListVideosV1Request,
    ) -> impl Iterator<Item = Result<Video>> + '_ {
        pages(filter, move |f| self.list_videos_v1(f))
    }
}

crate::provider::client_shell!(
    Memories, api_key, auth: AuthScheme::Plain, errors: error_body,
    fields { api: ApiVersion::default() },
    /// A client for the production host with default settings; the key is
    /// sent as `Authorization: <key>`, with no scheme.
    /// Always that host, [`BASE_URL`](Self::BASE_URL): it reads no variable
    /// ([`from_env`](Self::from_env) reads the credential, base URL, proxy, timeouts).
);

impl Memories {
    /// One video by its `video_no`, `Ok(None)` when there is none: the list
    /// ([`list_videos`](Self::list_videos), on the endpoint
    /// [`with_api`](Self::with_api) picked) filtered by `video_no`, one request.
    pub fn find(&self, video_no: &str) -> Result<Option<Video>> {
        if video_no.trim().is_empty() {
            return Err(Error::invalid("video no", "must not be empty"));
        }
        let filter = ListVideosRequest {
            video_no: Some(video_no.to_owned()),
            ..Default::default()
        };
        let page = self.list_videos(&filter)?;
        Ok(page
            .videos
            .unwrap_or_default()
            .into_iter()
            .find(|v| v.id() == Some(video_no)))
    }
}

/// The v1 body for the original endpoint's filters; `folder_id` has no
/// counterpart there.
fn v1_filter(filter: &ListVideosRequest) -> Result<ListVideosV1Request> {
    if filter.folder_id.is_some() {
        return Err(Error::invalid(
            "folder_id",
            "is not a filter of the v1 list endpoint, which takes unique_id instead \
             (Memories::list_videos_v1)",
        ));
    }
    Ok(ListVideosV1Request {
        page: filter.page,
        size: filter.size,
        video_name: filter.video_name.clone(),
        video_no: filter.video_no.clone(),
        unique_id: None,
        status: filter.status.clone(),
        ..Default::default()
    })
}

/// What paging needs of either endpoint's filter.
trait PageFilter {
    fn page(&self) -> Option<u32>;
    fn size(&self) -> Option<u32>;
    fn at(self, page: u32, size: u32) -> Self;
}

impl PageFilter for ListVideosRequest {
    fn page(&self) -> Option<u32> {
        self.page
    }
    fn size(&self) -> Option<u32> {
        self.size
    }
    fn at(self, page: u32, size: u32) -> Self {
        ListVideosRequest {
            page: Some(page),
            size: Some(size),
            ..self
        }
    }
}

impl PageFilter for ListVideosV1Request {
    fn page(&self) -> Option<u32> {
        self.page
    }
    fn size(&self) -> Option<u32> {
        self.size
    }
    fn at(self, page: u32, size: u32) -> Self {
        ListVideosV1Request {
            page: Some(page),
            size: Some(size),
            ..self
        }
    }
}

/// The videos of successive pages, from `filter.page` (or 1), until
/// `total_count` is reached or a page comes back short or empty.
fn pages<'c, F: PageFilter + 'c>(
    filter: F,
    mut fetch: impl FnMut(&F) -> Result<VideoPage> + 'c,
) -> impl Iterator<Item = Result<Video>> + 'c {
    let size = filter.size().unwrap_or(DEFAULT_PAGE_SIZE).max(1);
    let first = filter.page().unwrap_or(1).max(1);
    let mut next = Some(filter.at(first, size));
    Paged::new(move || {
        let Some(filter) = next.take() else {
            return Ok(None);
        };
        let page_no = filter.page().unwrap_or(1);
        let page = fetch(&filter)?;
        let videos = page.videos.unwrap_or_default();
        let seen = u64::from(page_no - 1) * u64::from(size) + videos.len() as u64;
        let more = match wire::int(&page.total_count) {
            Some(total) => (seen as i64) < total,
            None => videos.len() as u64 >= u64::from(size),
        };
        if more && !videos.is_empty() {
            next = Some(filter.at(page_no + 1, size));
        }
        Ok((!videos.is_empty()).then_some(videos))
    })
}

/// Codes that mean success: "0000" in the documented envelope; newer error
/// pages use the HTTP status as the code, so 0 and 200 are accepted too.
fn is_success_code(code: &str) -> bool {
    matches!(code.trim(), "0000" | "0" | "200")
}

/// The failure an envelope reports under HTTP 200, if it reports one.
fn failure(endpoint: Endpoint, envelope: &ListVideosResponse) -> Option<Failure> {
    let code = wire::text(&envelope.code);
    let said_failed =
        wire::flag(&envelope.success) == Some(false) || wire::flag(&envelope.failed) == Some(true);
    if code.is_none_or(is_success_code) && !said_failed {
        return None;
    }
    let meaning = match code.map(str::trim) {
        Some("0401" | "401") => 401,
        Some("0403" | "403" | "9009") => 403,
        Some("0429" | "429") => 429,
        Some(other) => other
            .parse::<u16>()
            .ok()
            .filter(|c| *c >= 400)
            .unwrap_or(400),
        None => 400,
    };
    Some(Failure {
        endpoint,
        status: 200,
        meaning,
        code: code.map(str::to_owned),
        message: wire::text(&envelope.msg)
            .unwrap_or("request failed")
            .to_owned(),
        retry_after: None,
    })
}

/// Reads the envelope on a non-2xx answer.
fn error_body(body: &[u8]) -> Option<(Option<String>, String)> {
    let parsed: ListVideosResponse = serde_json::from_slice(body).ok()?;
    let message = wire::text(&parsed.msg)?.to_owned();
    Some((wire::text(&parsed.code).map(str::to_owned), message))
}

/// A memories.ai video's processing status.
///
/// `#[non_exhaustive]`: a status value the provider starts sending is
/// folded into the schema's `x-known-values` and gains an arm here, so a
/// `match` outside this crate needs a `_` arm.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Status {
    /// `UNPARSE`: uploaded, not yet processed.
    Unparsed,
    /// `PARSE`: processed and indexed (what the documented samples show for
    /// freshly listed uploads).
    Parsed,
    /// `DONE`.
    Done,
    /// `PARSE_ERROR`: processing failed.
    ParseError,
    /// `FAILED`: processing failed.
    Failed,
    /// `FAIL`: processing failed.
    Fail,
    /// A value vidapi does not know, as sent.
    Unknown(String),
}

impl Status {
    /// The status for a raw `status` value.
    pub fn parse(raw: &str) -> Status {
        match raw.trim().to_ascii_uppercase().as_str() {
            "UNPARSE" => Status::Unparsed,
            "PARSE" => Status::Parsed,
            "DONE" => Status::Done,
            "PARSE_ERROR" => Status::ParseError,
            "FAILED" => Status::Failed,
            "FAIL" => Status::Fail,
            _ => Status::Unknown(raw.to_owned()),
        }
    }

    /// Where the status sits in the provider-neutral life cycle.
    pub fn stage(&self) -> Stage {
        match self {
            Status::Unparsed => Stage::Queued,
            Status::Parsed | Status::Done => Stage::Completed,
            Status::ParseError | Status::Failed | Status::Fail => Stage::Failed,
            Status::Unknown(raw) => Stage::Unknown(raw.clone()),
        }
    }
}

impl Status {
    /// The values the list's `status` filter is documented and known to
    /// take (memories.ai's VideoStatus), as they are sent.
    pub const FILTER_VALUES: [&'static str; 6] =
        ["UNPARSE", "PARSE", "DONE", "PARSE_ERROR", "FAILED", "FAIL"];

    /// The value sent for this status in a list filter, as memories.ai
    /// spells it: `UNPARSE`, `PARSE`, `DONE`, `PARSE_ERROR`, `FAILED`,
    /// `FAIL`, or an unknown status's raw value unchanged (so
    /// [`Status::Unknown`] passes any value vidapi does not know).
    pub fn as_filter(&self) -> &str {
        match self {
            Status::Unparsed => "UNPARSE",
            Status::Parsed => "PARSE",
            Status::Done => "DONE",
            Status::ParseError => "PARSE_ERROR",
            Status::Failed => "FAILED",
            Status::Fail => "FAIL",
            Status::Unknown(raw) => raw,
        }
    }
}

impl std::fmt::Display for Status {
    /// The status as memories.ai sent it, which is what its `status`
    /// filter takes ([`Status::as_filter`]): `UNPARSE`, `PARSE`, `DONE`,
    /// `PARSE_ERROR`, `FAILED`, `FAIL` (each failure spelling is its own
    /// variant, so `PARSE_ERROR` shows as `PARSE_ERROR`), or an unknown value
    /// as sent.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_filter())
    }
}

impl From<Status> for String {
    /// The filter value ([`Status::as_filter`]), so that a [`Status`] fills
    /// [`ListVideosRequest::status`]: `Some(Status::Done.into())`.
    fn from(status: Status) -> String {
        match status {
            Status::Unknown(raw) => raw,
            known => known.as_filter().to_owned(),
        }
    }
}

impl ListVideosRequest {
    /// Only videos with this status: the filter as a [`Status`], sent as
    /// [`Status::as_filter`] spells it; a value vidapi does not know goes as
    /// [`Status::Unknown`] with the raw string.
    ///
    /// ```
    /// use vidapi::memories::{ListVideosRequest, Status};
    /// let done = ListVideosRequest::default().with_status(Status::Done);
    /// assert_eq!(done.status.as_deref(), Some("DONE"));
    /// let failed = ListVideosRequest::default().with_status(Status::ParseError);
    /// assert_eq!(failed.status.as_deref(), Some("PARSE_ERROR"));
    /// let raw = ListVideosRequest::default().with_status(Status::Unknown("ARCHIVED".into()));
    /// assert_eq!(raw.status.as_deref(), Some("ARCHIVED"));
    /// ```
    pub fn with_status(self, status: Status) -> Self {
        ListVideosRequest {
            status: Some(status.into()),
            ..self
        }
    }

    /// The `status` filter as a [`Status`], when one is set.
    pub fn status_filter(&self) -> Option<Status> {
        self.status.as_deref().map(Status::parse)
    }
}

impl ListVideosV1Request {
    /// Only videos with this status, as [`ListVideosRequest::with_status`]
    /// sets it.
    pub fn with_status(self, status: Status) -> Self {
        ListVideosV1Request {
            status: Some(status.into()),
            ..self
        }
    }

    /// The `status` filter as a [`Status`], when one is set.
    pub fn status_filter(&self) -> Option<Status> {
        self.status.as_deref().map(Status::parse)
    }
}

impl Video {
    /// The video's id (`video_no`).
    pub fn id(&self) -> Option<&str> {
        wire::text(&self.video_no)
    }

    /// The video's title: its `video_name`, when it has one.
    pub fn title(&self) -> Option<&str> {
        wire::text(&self.video_name)
    }

    /// Where to watch the video: always `None`, because memories.ai's list
    /// carries no media URL. Here so that every provider's video answers the
    /// same accessors.
    pub fn playable_url(&self) -> Option<&str> {
        None
    }

    /// The processing status, or `None` when the video has none.
    pub fn status(&self) -> Option<Status> {
        wire::text(&self.status).map(Status::parse)
    }

    /// Whether the status will no longer change.
    pub fn is_final(&self) -> bool {
        self.status().is_some_and(|s| s.stage().is_final())
    }

    /// Whether processing failed: `PARSE_ERROR`, `FAILED` or `FAIL`.
    pub fn is_failed(&self) -> bool {
        self.status().is_some_and(|s| s.stage() == Stage::Failed)
    }

    /// Why processing failed; `None` when the provider sent `"null"` or nothing.
    pub fn cause(&self) -> Option<&str> {
        self.cause.as_ref().and_then(wire::NullableText::get)
    }

    /// `create_time` (Unix milliseconds, string or number) as a timestamp.
    pub fn created_at(&self) -> Option<DateTime<Utc>> {
        let millis = wire::text(&self.create_time)?.trim().parse::<i64>().ok()?;
        DateTime::from_timestamp_millis(millis)
    }

    /// Length in seconds.
    pub fn duration_secs(&self) -> Option<f64> {
        wire::number(&self.duration)
    }

    /// File size in bytes.
    pub fn size_bytes(&self) -> Option<u64> {
        wire::int(&self.size).and_then(|s| u64::try_from(s).ok())
    }
}

impl VideoPage {
    /// `total_count` as a number (it is a string in older versions).
    pub fn total(&self) -> Option<u64> {
        wire::int(&self.total_count).and_then(|t| u64::try_from(t).ok())
    }

    /// The videos on this page (`videos`; empty when absent or `null`).
    pub fn videos(&self) -> &[Video] {
        self.videos.as_deref().unwrap_or_default()
    }

    /// The items on this page, the videos: the same slice as
    /// [`videos`](Self::videos), under the name every page type answers
    /// (and the [`Page`](crate::provider::Page) trait's, without importing it).
    pub fn items(&self) -> &[Video] {
        self.videos()
    }
}

impl ListVideosResponse {
    /// The videos of the envelope's page (`data.videos`; empty when either
    /// is absent or `null`).
    pub fn videos(&self) -> &[Video] {
        self.data
            .as_ref()
            .map(VideoPage::videos)
            .unwrap_or_default()
    }

    /// The same slice as [`videos`](Self::videos), under the name every
    /// page type answers.
    pub fn items(&self) -> &[Video] {
        self.videos()
    }
}

impl Video {
    /// The finished file to download: always `None`, because memories.ai's
    /// answers carry no media URL. Here so that every provider's video
    /// answers the same accessors.
    pub fn file_url(&self) -> Option<&str> {
        None
    }
}

crate::provider::video_record!(Video, Provider::Memories);

impl crate::provider::Page for VideoPage {
    type Item = Video;
    /// The page number (`page`).
    type Cursor = u32;

    fn items(&self) -> &[Video] {
        self.videos()
    }

    fn total(&self) -> Option<u64> {
        VideoPage::total(self)
    }

    /// The page after this one (`current_page` + 1), while `current_page`
    /// times `page_size` is below `total_count`; `None` once that is
    /// reached, or when the page does not say.
    fn next_cursor(&self) -> Option<u32> {
        let page = u64::try_from(wire::int(&self.current_page)?).ok()?;
        let size = u64::try_from(wire::int(&self.page_size)?).ok()?;
        let total = VideoPage::total(self)?;
        let next = u32::try_from(page.checked_add(1)?).ok()?;
        (page.checked_mul(size)? < total).then_some(next)
    }
}

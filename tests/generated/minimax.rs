///One account's capacity.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct AccountCapacity {
    ///The MiniMax account.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub account: ::std::option::Option<crate::wire::FlexText>,
    ///How many more it can start now.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub available: ::std::option::Option<crate::wire::FlexInt>,
    ///How many are being made.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub executing: ::std::option::Option<crate::wire::FlexInt>,
    ///How many videos the account makes at once.
    #[serde(rename = "maxJobs", skip_serializing_if = "::std::option::Option::is_none")]
    pub max_jobs: ::std::option::Option<crate::wire::FlexInt>,
}
///Body of `POST /v1/minimax/videos/cancel` (Jan 9, 2025): stop making a video. (The docs' own sample has a trailing comma and an `account-file:` placeholder where a video id is meant.)
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct CancelRequest {
    ///useapi.net's composite id of the video to cancel (`user:<id>-minimax:<account>-video:<id>`).
    #[serde(rename = "videoId", skip_serializing_if = "::std::option::Option::is_none")]
    pub video_id: ::std::option::Option<::std::string::String>,
}
///Answer of `POST /v1/minimax/videos/cancel`. Its success body is not documented: an object whose fields vidapi does not know (drift shows any it carries).
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
#[serde(transparent)]
pub struct Cancelled(pub ::serde_json::Map<::std::string::String, ::serde_json::Value>);
impl ::std::ops::Deref for Cancelled {
    type Target = ::serde_json::Map<::std::string::String, ::serde_json::Value>;
    fn deref(&self) -> &::serde_json::Map<::std::string::String, ::serde_json::Value> {
        &self.0
    }
}
impl ::std::convert::From<Cancelled>
for ::serde_json::Map<::std::string::String, ::serde_json::Value> {
    fn from(value: Cancelled) -> Self {
        value.0
    }
}
impl ::std::convert::From<::serde_json::Map<::std::string::String, ::serde_json::Value>>
for Cancelled {
    fn from(
        value: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
    ) -> Self {
        Self(value)
    }
}
///Body of `POST /v1/minimax/videos/create`: make one video from a prompt, an uploaded image (`fileID`) or both. Every field is optional (`prompt` since Nov 2024); fields left out are not sent. A create costs credits: sent twice, it makes and bills two videos.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct CreateVideoRequest {
    ///The MiniMax account to make the video on; left out, useapi.net picks at random an account with free capacity. A `fileID` names its account, and the create must go to that one.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub account: ::std::option::Option<::std::string::String>,
    ///An image uploaded with `POST /v1/minimax/files/` (`user:<id>-minimax:<account>-file:<id>`), the video's first frame.
    #[serde(rename = "fileID", skip_serializing_if = "::std::option::Option::is_none")]
    pub file_id: ::std::option::Option<::std::string::String>,
    ///How many videos the account may make at once for this call (1–10), overriding the account's setting.
    #[serde(rename = "maxJobs", skip_serializing_if = "::std::option::Option::is_none")]
    pub max_jobs: ::std::option::Option<u32>,
    ///`T2V-01` (text default), `I2V-01` (image default), `I2V-01-live`, `S2V-01`; later versions add more.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub model: ::std::option::Option<::std::string::String>,
    ///What the video shows.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub prompt: ::std::option::Option<::std::string::String>,
    ///Whether MiniMax rewrites the prompt first (default true).
    #[serde(
        rename = "promptOptimization",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub prompt_optimization: ::std::option::Option<bool>,
    ///A reference of the caller's choosing (at most 1024 characters), kept with the job and listed with it by `scheduler/available`: vidapi sends its idempotency key here.
    #[serde(rename = "replyRef", skip_serializing_if = "::std::option::Option::is_none")]
    pub reply_ref: ::std::option::Option<::std::string::String>,
    ///A URL useapi.net calls when the video completes or fails (at most 1024 characters).
    #[serde(rename = "replyUrl", skip_serializing_if = "::std::option::Option::is_none")]
    pub reply_url: ::std::option::Option<::std::string::String>,
}
///Answer of `POST /v1/minimax/videos/create`. Documented two ways: useapi.net's example script reads a top-level `videoId` (the composite id to poll), while the oldest page's sample holds MiniMax's own id in `data.id` beside `statusInfo`. All fields are optional.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct CreatedVideo {
    ///MiniMax's own answer (the oldest sample).
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub data: ::std::option::Option<CreatedVideoData>,
    ///The `replyRef` sent with the create, when the answer repeats it.
    #[serde(rename = "replyRef", skip_serializing_if = "::std::option::Option::is_none")]
    pub reply_ref: ::std::option::Option<crate::wire::FlexText>,
    ///MiniMax's status of the call (the oldest sample).
    #[serde(
        rename = "statusInfo",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub status_info: ::std::option::Option<CreatedVideoStatusInfo>,
    ///useapi.net's composite id of the new video (`user:<id>-minimax:<account>-video:<id>`), what `GET /v1/minimax/videos/{videoId}` takes.
    #[serde(rename = "videoId", skip_serializing_if = "::std::option::Option::is_none")]
    pub video_id: ::std::option::Option<crate::wire::FlexText>,
}
///MiniMax's own answer (the oldest sample).
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct CreatedVideoData {
    ///MiniMax's own id of the new video.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub id: ::std::option::Option<crate::wire::FlexText>,
}
///MiniMax's status of the call (the oldest sample).
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct CreatedVideoStatusInfo {
    ///0 on success.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub code: ::std::option::Option<crate::wire::FlexInt>,
    ///The HTTP status MiniMax saw.
    #[serde(rename = "httpCode", skip_serializing_if = "::std::option::Option::is_none")]
    pub http_code: ::std::option::Option<crate::wire::FlexInt>,
    ///What MiniMax said.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub message: ::std::option::Option<crate::wire::FlexText>,
}
///One image that was used to generate a MiniMax video.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct File {
    ///Public URL of the file.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub cdn_url: ::std::option::Option<crate::wire::FlexText>,
    ///useapi.net's composite id of the file (`user:…-minimax:…-file:…`).
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub file_id: ::std::option::Option<crate::wire::FlexText>,
    ///The file's original name.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub file_name: ::std::option::Option<crate::wire::FlexText>,
    ///MiniMax's usage scene code for the file (10 in every documented sample).
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub file_scene: ::std::option::Option<crate::wire::FlexInt>,
    ///MiniMax's status code for the file (1 in every documented sample).
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub file_status: ::std::option::Option<crate::wire::FlexInt>,
    ///Image format, such as `jpeg` or `png`.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub file_type: ::std::option::Option<crate::wire::FlexText>,
    ///Storage path of the file, with its name.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub oss_path: ::std::option::Option<crate::wire::FlexText>,
}
///Response of `GET /v1/minimax/files/`: images previously used to generate videos. Later docs say the upstream endpoint was retired and may answer `[]`.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
#[serde(transparent)]
pub struct FileList(pub ::std::vec::Vec<File>);
impl ::std::ops::Deref for FileList {
    type Target = ::std::vec::Vec<File>;
    fn deref(&self) -> &::std::vec::Vec<File> {
        &self.0
    }
}
impl ::std::convert::From<FileList> for ::std::vec::Vec<File> {
    fn from(value: FileList) -> Self {
        value.0
    }
}
impl ::std::convert::From<::std::vec::Vec<File>> for FileList {
    fn from(value: ::std::vec::Vec<File>) -> Self {
        Self(value)
    }
}
///Query of `GET /v1/minimax/files/`.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct FilesQuery {
    ///The MiniMax account to list. Optional when only one account is configured at useapi.net, required when there are several.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub account: ::std::option::Option<::std::string::String>,
    ///How many files to return. The server's default is 10.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub limit: ::std::option::Option<u32>,
}
///One running job.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct ScheduledJob {
    ///How long it has been running, as `mm:ss`.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub elapsed: ::std::option::Option<crate::wire::FlexText>,
    ///The image job's id, for image jobs (2025 revision).
    #[serde(rename = "imageId", skip_serializing_if = "::std::option::Option::is_none")]
    pub image_id: ::std::option::Option<crate::wire::FlexText>,
    ///The reference given with it, if any.
    #[serde(rename = "replyRef", skip_serializing_if = "::std::option::Option::is_none")]
    pub reply_ref: ::std::option::Option<crate::wire::FlexText>,
    ///The callback URL given when the job was created, if any.
    #[serde(rename = "replyUrl", skip_serializing_if = "::std::option::Option::is_none")]
    pub reply_url: ::std::option::Option<crate::wire::FlexText>,
    ///When the job started (ISO 8601).
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub started: ::std::option::Option<crate::wire::FlexText>,
    ///useapi.net's composite id of the video being made.
    #[serde(rename = "videoId", skip_serializing_if = "::std::option::Option::is_none")]
    pub video_id: ::std::option::Option<crate::wire::FlexText>,
}
///Response of `GET /v1/minimax/scheduler/available` (Oct 2024, rev. Mar 2025): the jobs useapi.net is running for the token's MiniMax accounts, and each account's capacity (videos only, per the 2025 revision). All fields are optional.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct SchedulerAvailable {
    ///Each configured account's capacity.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub available: ::std::option::Option<::std::vec::Vec<AccountCapacity>>,
    ///The jobs running now.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub executing: ::std::option::Option<::std::vec::Vec<ScheduledJob>>,
}
///Answer of `POST /v1/minimax/files/?account=` (raw file bytes as the body, `Content-Type: image/png` or `image/jpeg`): the uploaded file. The `fileID` belongs to the account it was uploaded to: a create that uses it must go to that account. All fields are optional.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct UploadedFile {
    ///The file's id for a create's `fileID` (`user:<id>-minimax:<account>-file:<id>`).
    #[serde(rename = "fileID", skip_serializing_if = "::std::option::Option::is_none")]
    pub file_id: ::std::option::Option<crate::wire::FlexText>,
    ///Where MiniMax stored the file (a URL).
    #[serde(rename = "ossPath", skip_serializing_if = "::std::option::Option::is_none")]
    pub oss_path: ::std::option::Option<crate::wire::FlexText>,
}
///One video of a MiniMax (hailuoai.video) account as useapi.net lists it (each item of videos.json, which refers to this file's root), and as `GET /v1/minimax/videos/{videoId}` answers it (later docs). The docs say every field is optional.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct Video {
    ///Whether MiniMax allows retrying the generation.
    #[serde(rename = "canRetry", skip_serializing_if = "::std::option::Option::is_none")]
    pub can_retry: ::std::option::Option<crate::wire::FlexBool>,
    ///URL of the cover image; empty while the video is being generated.
    #[serde(rename = "coverURL", skip_serializing_if = "::std::option::Option::is_none")]
    pub cover_url: ::std::option::Option<crate::wire::FlexText>,
    ///The prompt the video was generated from.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub desc: ::std::option::Option<crate::wire::FlexText>,
    ///Download URL of the finished video, sent by later versions; absent while processing.
    #[serde(
        rename = "downloadURL",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub download_url: ::std::option::Option<crate::wire::FlexText>,
    ///Video height in pixels (later versions).
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub height: ::std::option::Option<crate::wire::FlexInt>,
    ///MiniMax's own id of the video.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub id: ::std::option::Option<crate::wire::FlexText>,
    ///A message from MiniMax about this video, typically why it was moderated or failed.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub message: ::std::option::Option<crate::wire::FlexText>,
    ///Generation status code. Documented: 0 pending, 1 processing, 2 completed; useapi.net's later pages add 3 failed, 5/7/14 moderated, 11 queued, 12 processing. Read it through `Video::status()`.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub status: ::std::option::Option<crate::wire::FlexInt>,
    ///Whether `status` will no longer change, sent by later versions of the API.
    #[serde(
        rename = "statusFinal",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub status_final: ::std::option::Option<crate::wire::FlexBool>,
    ///Lowercase label of `status`, sent by later versions of the API.
    #[serde(
        rename = "statusLabel",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub status_label: ::std::option::Option<crate::wire::FlexText>,
    ///useapi.net's composite id (`user:…-minimax:…-video:…`) used by its other video endpoints.
    #[serde(rename = "videoId", skip_serializing_if = "::std::option::Option::is_none")]
    pub video_id: ::std::option::Option<crate::wire::FlexText>,
    ///URL of the generated video file; empty until the video is completed.
    #[serde(rename = "videoURL", skip_serializing_if = "::std::option::Option::is_none")]
    pub video_url: ::std::option::Option<crate::wire::FlexText>,
    ///Video width in pixels (later versions).
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub width: ::std::option::Option<crate::wire::FlexInt>,
}
///Response of `GET /v1/minimax/videos/`: the videos of one MiniMax account, newest first.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
#[serde(transparent)]
pub struct VideoList(pub ::std::vec::Vec<Video>);
impl ::std::ops::Deref for VideoList {
    type Target = ::std::vec::Vec<Video>;
    fn deref(&self) -> &::std::vec::Vec<Video> {
        &self.0
    }
}
impl ::std::convert::From<VideoList> for ::std::vec::Vec<Video> {
    fn from(value: VideoList) -> Self {
        value.0
    }
}
impl ::std::convert::From<::std::vec::Vec<Video>> for VideoList {
    fn from(value: ::std::vec::Vec<Video>) -> Self {
        Self(value)
    }
}
///Query of `GET /v1/minimax/videos/`. The seed page documents `account` only; later versions add `limit` and `lastVideoId` to page through an account's videos. A parameter left out is not sent.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct VideosQuery {
    ///The MiniMax account to list. Optional when only one account is configured at useapi.net, required when there are several.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub account: ::std::option::Option<::std::string::String>,
    ///Start after this video: the id of the last video of the previous page (later versions of the docs).
    #[serde(
        rename = "lastVideoId",
        skip_serializing_if = "::std::option::Option::is_none"
    )]
    pub last_video_id: ::std::option::Option<::std::string::String>,
    ///How many videos to return (later versions of the docs). The server's default is 30; a page with fewer than `limit` videos is the last.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub limit: ::std::option::Option<u32>,
}
/// Error types.
pub mod error {
    /// Error from a `TryFrom` or `FromStr` implementation.
    pub struct ConversionError(::std::borrow::Cow<'static, str>);
    impl ::std::error::Error for ConversionError {}
    impl ::std::fmt::Display for ConversionError {
        fn fmt(
            &self,
            f: &mut ::std::fmt::Formatter<'_>,
        ) -> Result<(), ::std::fmt::Error> {
            ::std::fmt::Display::fmt(&self.0, f)
        }
    }
    impl ::std::fmt::Debug for ConversionError {
        fn fmt(
            &self,
            f: &mut ::std::fmt::Formatter<'_>,
        ) -> Result<(), ::std::fmt::Error> {
            ::std::fmt::Debug::fmt(&self.0, f)
        }
    }
    impl From<&'static str> for ConversionError {
        fn from(value: &'static str) -> Self {
            Self(value.into())
        }
    }
    impl From<String> for ConversionError {
        fn from(value: String) -> Self {
            Self(value.into())
        }
    }
}

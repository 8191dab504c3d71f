///One account's capacity.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct AccountCapacity {
    ///How many more it can start now (the docs' sample does not always equal `maxJobs - executing`).
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub available: ::std::option::Option<crate::wire::FlexInt>,
    ///The PixVerse account's email.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub email: ::std::option::Option<crate::wire::FlexText>,
    ///How many are running.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub executing: ::std::option::Option<crate::wire::FlexInt>,
    ///How many jobs the account runs at once.
    #[serde(rename = "maxJobs", skip_serializing_if = "::std::option::Option::is_none")]
    pub max_jobs: ::std::option::Option<crate::wire::FlexInt>,
}
///Body of `POST /v2/pixverse/videos/create` (revised May 12, 2026): make one video from a prompt, frames uploaded with `POST /v2/pixverse/files/`, or a template. Every field is optional; fields left out are not sent. A create costs credits: sent twice, it makes and bills two videos.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct CreateVideoRequest {
    ///`16:9` (default), `9:16`, `1:1`, `4:3` or `3:4`; text to video only.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub aspect_ratio: ::std::option::Option<::std::string::String>,
    ///Whether the video gets sound (2026).
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub audio: ::std::option::Option<bool>,
    ///Seconds: `5` (default) or `8`; per-model later.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub duration: ::std::option::Option<u32>,
    ///The PixVerse account to make the video on; left out, useapi.net picks at random an account with free capacity.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub email: ::std::option::Option<::std::string::String>,
    ///The first frame: a `path` from the files upload.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub first_frame_path: ::std::option::Option<::std::string::String>,
    ///The last frame: a `path` from the files upload.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub last_frame_path: ::std::option::Option<::std::string::String>,
    ///How many videos the account may make at once for this call, overriding the account's setting.
    #[serde(rename = "maxJobs", skip_serializing_if = "::std::option::Option::is_none")]
    pub max_jobs: ::std::option::Option<u32>,
    ///The model: `v6` (current default), `v5.6`, `v5.5`, `v5`, `v5-fast`, `pixverse-c1`, or a third-party model (`seedance-2.0`, `kling-v3`, `veo-3.1-fast`, `sora-2`, …).
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub model: ::std::option::Option<::std::string::String>,
    ///`normal` (default) or `fast`.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub motion_mode: ::std::option::Option<::std::string::String>,
    ///What the video should not show (at most 2048 characters).
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub negative_prompt: ::std::option::Option<::std::string::String>,
    ///What the video shows (at most 5,000 characters in 2026); required unless `template_id` is given.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub prompt: ::std::option::Option<::std::string::String>,
    ///`360p`, `540p`, `720p` or `1080p` (defaults differ by model).
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub quality: ::std::option::Option<::std::string::String>,
    ///A reference of the caller's choosing (at most 1024 characters), kept with the job and listed with it by `scheduler/available`: vidapi sends its idempotency key here.
    #[serde(rename = "replyRef", skip_serializing_if = "::std::option::Option::is_none")]
    pub reply_ref: ::std::option::Option<::std::string::String>,
    ///A URL useapi.net calls when the video completes or fails (at most 1024 characters).
    #[serde(rename = "replyUrl", skip_serializing_if = "::std::option::Option::is_none")]
    pub reply_url: ::std::option::Option<::std::string::String>,
    ///1–2147483647.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub seed: ::std::option::Option<i64>,
    ///`anime`, `3d_animation`, `clay`, `comic` or `cyberpunk`.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub style: ::std::option::Option<::std::string::String>,
    ///An effect template; the template decides the model.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub template_id: ::std::option::Option<i64>,
}
///Answer of `POST /v2/pixverse/videos/create` (useapi.net's 2026 article): the new video's composite id. All fields are optional.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct CreatedVideo {
    ///useapi.net's composite id of the new video (`user:<id>-pixverse:<email>-video:<n>`), what `GET /v2/pixverse/videos/{video_id}` takes; it answers 404 until the video is done.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub video_id: ::std::option::Option<crate::wire::FlexText>,
}
///Queue position of a PixVerse video.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct QueueData {
    ///Videos ahead of this one in the queue.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub queue_count: ::std::option::Option<crate::wire::FlexInt>,
    ///Estimated wait, as PixVerse reports it.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub queue_time: ::std::option::Option<crate::wire::FlexNumber>,
}
///One running job.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct ScheduledJob {
    ///How long it has been running, as `mm:ss`.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub elapsed: ::std::option::Option<crate::wire::FlexText>,
    ///The reference given with it, if any.
    #[serde(rename = "replyRef", skip_serializing_if = "::std::option::Option::is_none")]
    pub reply_ref: ::std::option::Option<crate::wire::FlexText>,
    ///The callback URL given when the job was created, if any.
    #[serde(rename = "replyUrl", skip_serializing_if = "::std::option::Option::is_none")]
    pub reply_url: ::std::option::Option<crate::wire::FlexText>,
    ///When the job started (ISO 8601).
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub started: ::std::option::Option<crate::wire::FlexText>,
    ///useapi.net's composite id of the video being made (`video_id` here; the scheduler page of the same date says `videoId`).
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub video_id: ::std::option::Option<crate::wire::FlexText>,
}
///Response of `GET /v2/pixverse/scheduler/available` (later useapi.net docs): the jobs useapi.net is running for the token's PixVerse accounts, and each account's capacity. All fields are optional.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct SchedulerAvailable {
    ///Each configured account's capacity.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub available: ::std::option::Option<::std::vec::Vec<AccountCapacity>>,
    ///The jobs running now.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub executing: ::std::option::Option<::std::vec::Vec<ScheduledJob>>,
}
///Answer of `POST /v2/pixverse/files/?email=` (raw file bytes as the body): for an image, `result` with the uploaded image (its `path` is what a create's `first_frame_path` takes, its `id` the v3 `img_id`); for video or audio, `path` and `url` at the top. An upload is usable from any of the user's PixVerse accounts. All fields are optional.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct UploadedFiles {
    ///The uploaded video's or audio's path.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub path: ::std::option::Option<crate::wire::FlexText>,
    ///The uploaded images.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub result: ::std::option::Option<::std::vec::Vec<UploadedImage>>,
    ///The uploaded video's or audio's URL.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub url: ::std::option::Option<crate::wire::FlexText>,
}
///One uploaded image.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct UploadedImage {
    ///PixVerse's category code.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub category: ::std::option::Option<crate::wire::FlexInt>,
    ///PixVerse's message about it; empty when all is well.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub err_msg: ::std::option::Option<crate::wire::FlexText>,
    ///Its id, a number (the v3 create's `img_id`).
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub id: ::std::option::Option<crate::wire::FlexInt>,
    ///Its name.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub name: ::std::option::Option<crate::wire::FlexText>,
    ///Its path, what `first_frame_path` and `last_frame_path` take (v4 and later).
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub path: ::std::option::Option<crate::wire::FlexText>,
    ///Its size in bytes.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub size: ::std::option::Option<crate::wire::FlexInt>,
    ///Its URL.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub url: ::std::option::Option<crate::wire::FlexText>,
}
///One PixVerse video as useapi.net lists it (each item of videos.json, which refers to this file's root), including those still queued or generating, and as `GET /v2/pixverse/videos/{video_id}` answers it once completed (later docs). Every field is optional.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct Video {
    ///PixVerse account id.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub account_id: ::std::option::Option<crate::wire::FlexInt>,
    ///Aspect ratio such as `3:4`; may be empty.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub aspect_ratio: ::std::option::Option<crate::wire::FlexText>,
    ///Id of the asset used, or 0.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub asset_id: ::std::option::Option<crate::wire::FlexInt>,
    ///Image URL of the asset used, often empty.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub asset_img_url: ::std::option::Option<crate::wire::FlexText>,
    ///Name of the asset used, often empty.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub asset_name: ::std::option::Option<crate::wire::FlexText>,
    ///1 when PixVerse expanded the character prompt automatically, else 0.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub auto_character_prompt: ::std::option::Option<crate::wire::FlexInt>,
    ///Avatar URL of the account owner.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub avatar: ::std::option::Option<crate::wire::FlexText>,
    ///Camera movement preset, such as `default`.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub camera_movement: ::std::option::Option<crate::wire::FlexText>,
    ///Creation time, RFC 3339 (for example `2024-11-11T12:34:56Z`). Parsed by `Video::created_at()`.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub created_at: ::std::option::Option<crate::wire::FlexText>,
    ///Undocumented structure (the model says `any`); kept as raw JSON.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub customer_paths: ::std::option::Option<::serde_json::Value>,
    ///Requested duration in seconds.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub duration: ::std::option::Option<crate::wire::FlexNumber>,
    ///1 when this video extends another, else 0.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub extended: ::std::option::Option<crate::wire::FlexInt>,
    ///URL of the first frame image, when there is one.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub first_frame: ::std::option::Option<crate::wire::FlexText>,
    ///Id of the source image, for image-to-video.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub img_id: ::std::option::Option<crate::wire::FlexInt>,
    ///URL of the source image, for image-to-video.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub img_url: ::std::option::Option<crate::wire::FlexText>,
    ///URL of the last frame image, when there is one.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub last_frame: ::std::option::Option<crate::wire::FlexText>,
    ///Number of likes.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub likes: ::std::option::Option<crate::wire::FlexInt>,
    ///Lip-sync settings. Documented as an (empty) object; samples send `{}` or `null`. Kept as raw JSON.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub lip_sync: ::std::option::Option<::serde_json::Value>,
    ///PixVerse model version, such as `v3`.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub model: ::std::option::Option<crate::wire::FlexText>,
    ///Display name of the model, often empty.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub model_name: ::std::option::Option<crate::wire::FlexText>,
    ///Motion brush data, often empty.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub motion_brush: ::std::option::Option<crate::wire::FlexText>,
    ///Motion mode, such as `normal`.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub motion_mode: ::std::option::Option<crate::wire::FlexText>,
    ///The negative prompt, if any.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub negative_prompt: ::std::option::Option<crate::wire::FlexText>,
    ///Nickname of the account owner.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub nick_name: ::std::option::Option<crate::wire::FlexText>,
    ///The video this one was derived from (upscale, extend). The model says number, the sample sends a composite string id; both are read as text.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub original_video_id: ::std::option::Option<crate::wire::FlexText>,
    ///Height of the rendered video in pixels; 0 until rendered.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub output_height: ::std::option::Option<crate::wire::FlexInt>,
    ///Width of the rendered video in pixels; 0 until rendered.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub output_width: ::std::option::Option<crate::wire::FlexInt>,
    ///Platform the video was made on, often empty.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub platform: ::std::option::Option<crate::wire::FlexText>,
    ///The prompt the video was generated from.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub prompt: ::std::option::Option<crate::wire::FlexText>,
    ///Rendered quality, such as `540p`.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub quality: ::std::option::Option<crate::wire::FlexText>,
    ///Queue position while the video waits to be generated.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub queue_data: ::std::option::Option<QueueData>,
    ///PixVerse's relation type code.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub relation_type: ::std::option::Option<crate::wire::FlexInt>,
    ///1 when the watermark was removed, else 0.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub remove_watermark: ::std::option::Option<crate::wire::FlexInt>,
    ///Generation seed.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub seed: ::std::option::Option<crate::wire::FlexInt>,
    ///Style preset, often empty.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub style: ::std::option::Option<crate::wire::FlexText>,
    ///Localized template names: a JSON document encoded inside a string.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub template_i18n_json: ::std::option::Option<crate::wire::FlexText>,
    ///Template id, or 0 when no template was used.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub template_id: ::std::option::Option<crate::wire::FlexInt>,
    ///Template name, when a template was used.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub template_name: ::std::option::Option<crate::wire::FlexText>,
    ///Template thumbnail image URL.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub template_thumbnail_url: ::std::option::Option<crate::wire::FlexText>,
    ///Template thumbnail video URL.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub template_thumbnail_video_url: ::std::option::Option<crate::wire::FlexText>,
    ///1 when this is an upscaled video, else 0.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub upscaled: ::std::option::Option<crate::wire::FlexInt>,
    ///URL of the video file; it is there only once the video is completed.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub url: ::std::option::Option<crate::wire::FlexText>,
    ///Length of the video in seconds.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub video_duration: ::std::option::Option<crate::wire::FlexNumber>,
    ///useapi.net's composite id of the video (`user:…-pixverse:<email>-video:…`).
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub video_id: ::std::option::Option<crate::wire::FlexText>,
    ///PixVerse's status code: 1 COMPLETED, 5 QUEUED, 10 GENERATING are documented; 7 (moderated) and 8 (failed) appear on sibling endpoints. Read it through `Video::status()`.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub video_status: ::std::option::Option<crate::wire::FlexInt>,
    ///useapi.net's claim that the status is final. The docs mark QUEUED as final, which is wrong: use `Video::is_final()`.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub video_status_final: ::std::option::Option<crate::wire::FlexBool>,
    ///useapi.net's name for `video_status` (COMPLETED, QUEUED, GENERATING, …).
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub video_status_name: ::std::option::Option<crate::wire::FlexText>,
    ///Workflow tag, often empty.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub workflow_tag: ::std::option::Option<crate::wire::FlexText>,
}
///Response of `GET /v2/pixverse/videos/`: one page of videos.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct VideoPage {
    ///The videos on this page.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub data: ::std::option::Option<::std::vec::Vec<Video>>,
    ///The `offset` to ask for to get the next page.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub next_offset: ::std::option::Option<crate::wire::FlexInt>,
    ///How many videos the account has in all.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub total: ::std::option::Option<crate::wire::FlexInt>,
}
///Query of `GET /v2/pixverse/videos/`.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct VideosQuery {
    ///The PixVerse account email. Optional when only one account is configured at useapi.net, required when there are several.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub email: ::std::option::Option<::std::string::String>,
    ///How many videos to return. The server's default is 40.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub limit: ::std::option::Option<u32>,
    ///Where to start: the previous page's `next_offset`.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub offset: ::std::option::Option<u32>,
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

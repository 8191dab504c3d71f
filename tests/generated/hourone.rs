///Body of `POST /videos`: create a video from a source draft or a recipe. Every field is optional; fields left out are not sent.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct CreateVideoRequest {
    ///A character to use instead of the source project's; without it the source project's character is used.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub character_id: ::std::option::Option<::std::string::String>,
    ///The id of the folder the video will be based on.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub folder_id: ::std::option::Option<::std::string::String>,
    ///The name of the project this request creates.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub name: ::std::option::Option<::std::string::String>,
    ///A color palette to use instead of the source project's; without it the source project's palette is used.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub palette_id: ::std::option::Option<::std::string::String>,
    ///The id of the recipe the video will be based on.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub recipe_id: ::std::option::Option<::std::string::String>,
    ///The id of the project the video will be based on.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub source_draft_id: ::std::option::Option<::std::string::String>,
    ///A voice to use instead of the source project's; without it the source project's voice is used.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub voice_id: ::std::option::Option<::std::string::String>,
}
///Timing of one scene.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct SceneMetadata {
    ///How long the scene lasts, in seconds.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub duration: ::std::option::Option<crate::wire::FlexNumber>,
    ///Position of the scene, from 0.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub scene_index: ::std::option::Option<crate::wire::FlexInt>,
    ///When the scene starts, in seconds.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub start_time: ::std::option::Option<crate::wire::FlexNumber>,
}
///`detail`: a list of problems on a 422, a plain message on other errors.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
#[serde(untagged)]
pub enum ValidationDetail {
    Array(::std::vec::Vec<ValidationEntry>),
    FlexText(crate::wire::FlexText),
}
impl ::std::convert::From<::std::vec::Vec<ValidationEntry>> for ValidationDetail {
    fn from(value: ::std::vec::Vec<ValidationEntry>) -> Self {
        Self::Array(value)
    }
}
impl ::std::convert::From<crate::wire::FlexText> for ValidationDetail {
    fn from(value: crate::wire::FlexText) -> Self {
        Self::FlexText(value)
    }
}
///One entry of `detail`: a problem with one field, or, from a server that does not follow the documented shape, a plain value.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
#[serde(untagged)]
pub enum ValidationEntry {
    ValidationIssue(ValidationIssue),
    FlexText(crate::wire::FlexText),
}
impl ::std::convert::From<ValidationIssue> for ValidationEntry {
    fn from(value: ValidationIssue) -> Self {
        Self::ValidationIssue(value)
    }
}
impl ::std::convert::From<crate::wire::FlexText> for ValidationEntry {
    fn from(value: crate::wire::FlexText) -> Self {
        Self::FlexText(value)
    }
}
///The body of a 422 answer, `{"detail": [{"loc": [...], "msg": "...", "type": "..."}]}`: what was wrong with the request. Other error answers (401, 404) send `detail` as a plain string.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct ValidationError {
    ///One entry per problem (a plain string on some errors).
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub detail: ::std::option::Option<ValidationDetail>,
}
///A problem with one field of the request.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct ValidationIssue {
    ///Where the problem is: the part of the request (`body`, `query`, `path`, `header`), then field names and list positions (`["body", "scenes", 0, "text"]`).
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub loc: ::std::option::Option<::std::vec::Vec<crate::wire::FlexText>>,
    ///What is wrong (`field required`).
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub msg: ::std::option::Option<crate::wire::FlexText>,
    ///The kind of problem (`value_error.missing`).
    #[serde(rename = "type", skip_serializing_if = "::std::option::Option::is_none")]
    pub type_: ::std::option::Option<crate::wire::FlexText>,
}
///An Hour One video. The docs describe it twice: `GET /videos/{video_id}` and `POST /videos` answer the base object, `GET /videos` (a bare array of these, without paging) adds `template_id`, `scenes` and `correlation_id`; this one schema covers both.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct Video {
    ///The character used in this video.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub character_id: ::std::option::Option<crate::wire::FlexText>,
    ///Request correlation id (list variant only).
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub correlation_id: ::std::option::Option<crate::wire::FlexText>,
    ///Download URL of the final video file.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub download_url: ::std::option::Option<crate::wire::FlexText>,
    ///The id of the project this video request created (documented as required).
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub draft_id: ::std::option::Option<crate::wire::FlexText>,
    ///The video's id (documented as required).
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub id: ::std::option::Option<crate::wire::FlexText>,
    ///The video's name.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub name: ::std::option::Option<crate::wire::FlexText>,
    ///The color palette used in this video.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub palette_id: ::std::option::Option<crate::wire::FlexText>,
    ///Rendering progress, -1 to 100; default 0. -1 is undocumented and read as unknown progress.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub progress: ::std::option::Option<crate::wire::FlexInt>,
    ///The recipe the video was based on.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub recipe_id: ::std::option::Option<crate::wire::FlexText>,
    ///Id of the request that made this video (documented as required).
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub req_id: ::std::option::Option<crate::wire::FlexText>,
    ///Description of the video's scenes (list variant only). The docs say `any of` without naming the alternatives; kept as raw JSON.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub scenes: ::std::option::Option<::serde_json::Value>,
    ///The project the video was based on.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub source_draft_id: ::std::option::Option<crate::wire::FlexText>,
    ///Rendering status (documented as required, an enumeration the page does not list). Known values: not_started, started, processing, ready, published, failed, stopped, cancelled. Read it through `Video::status()`.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub status: ::std::option::Option<crate::wire::FlexText>,
    ///The template the video was based on (list variant only).
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub template_id: ::std::option::Option<crate::wire::FlexText>,
    ///URL of the final video's player page (documented as required).
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub video_player_url: ::std::option::Option<crate::wire::FlexText>,
    ///The voice used in this video (the docs' description repeats character_id's).
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub voice_id: ::std::option::Option<crate::wire::FlexText>,
}
///Response of `GET /videos/{video_id}/metadata`. The page does not document this body, so it is an open object: every member is kept. Other versions of the docs show `duration` and `scenes_metadata`, which are typed here when present.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
pub struct VideoMetadata {
    ///Length of the video in seconds.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub duration: ::std::option::Option<crate::wire::FlexNumber>,
    ///Timing of each scene.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub scenes_metadata: ::std::option::Option<::std::vec::Vec<SceneMetadata>>,
    #[serde(flatten)]
    pub extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
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

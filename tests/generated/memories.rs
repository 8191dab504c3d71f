///JSON body of `POST /serve/api/video/list_videos`. The parameter table says `query`, the examples send a JSON body, which is what is sent. Fields left out are not sent.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct ListVideosRequest {
    ///Only videos in this folder.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub folder_id: ::std::option::Option<i64>,
    ///Page number, from 1. The server's default is 1.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub page: ::std::option::Option<u32>,
    ///Videos per page. The server's default is 20.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub size: ::std::option::Option<u32>,
    ///Only videos with this status (PARSE, UNPARSE, PARSE_ERROR, DONE, FAILED, …).
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub status: ::std::option::Option<::std::string::String>,
    ///Only videos whose name matches, partly or exactly.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub video_name: ::std::option::Option<::std::string::String>,
    ///Only the video with this unique id.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub video_no: ::std::option::Option<::std::string::String>,
}
///Response envelope of `POST /serve/api/video/list_videos`. Success is `code` "0000"; any other code is a failure even under HTTP 200, and the client turns it into an error.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct ListVideosResponse {
    ///"0000" on success; otherwise an error code (0001, 0003, 0401, 0402, 0403, 0409, 0429, 9009, or an integer equal to the HTTP status on newer error pages).
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub code: ::std::option::Option<crate::wire::FlexText>,
    ///The page, present on success.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub data: ::std::option::Option<VideoPage>,
    ///Whether the request failed.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub failed: ::std::option::Option<crate::wire::FlexBool>,
    ///Human-readable status message.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub msg: ::std::option::Option<crate::wire::FlexText>,
    ///Whether the request succeeded.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub success: ::std::option::Option<crate::wire::FlexBool>,
}
///JSON body of `POST /serve/api/v1/list_videos`, the newer list endpoint: the filters of `POST /serve/api/video/list_videos` with `unique_id` in place of `folder_id`. Sent as a JSON body, like the original endpoint's. Fields left out are not sent.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct ListVideosV1Request {
    ///Page number, from 1. The server's default is 1.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub page: ::std::option::Option<u32>,
    ///Videos per page. The server's default is 20.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub size: ::std::option::Option<u32>,
    ///Only videos with this status (PARSE, UNPARSE, PARSE_ERROR, DONE, FAILED, …).
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub status: ::std::option::Option<::std::string::String>,
    ///Only videos uploaded under this `unique_id` (it takes the place of the original endpoint's `folder_id`).
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub unique_id: ::std::option::Option<::std::string::String>,
    ///Only videos whose name matches, partly or exactly.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub video_name: ::std::option::Option<::std::string::String>,
    ///Only the video with this unique id.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub video_no: ::std::option::Option<::std::string::String>,
}
///One uploaded video.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct Video {
    ///Why processing failed. Older versions send the string "null" when there is no cause; newer ones drop the field.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub cause: ::std::option::Option<crate::wire::NullableText>,
    ///Upload time in Unix milliseconds (a string in older versions, a number in newer). Parsed by `Video::created_at()`.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub create_time: ::std::option::Option<crate::wire::FlexText>,
    ///Length of the video in seconds (sent as a string by older versions, as a number by newer).
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub duration: ::std::option::Option<crate::wire::FlexNumber>,
    ///File size in bytes (string or number).
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub size: ::std::option::Option<crate::wire::FlexInt>,
    ///Processing status: PARSE, UNPARSE, PARSE_ERROR, DONE, FAILED, FAIL, … Read it through `Video::status()`.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub status: ::std::option::Option<crate::wire::FlexText>,
    ///The video's name.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub video_name: ::std::option::Option<crate::wire::FlexText>,
    ///The video's unique id.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub video_no: ::std::option::Option<crate::wire::FlexText>,
}
///One page of videos.
#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, Default, PartialEq)]
pub struct VideoPage {
    ///This page's number.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub current_page: ::std::option::Option<crate::wire::FlexInt>,
    ///Videos per page.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub page_size: ::std::option::Option<crate::wire::FlexInt>,
    ///How many videos match the filters in all (a string in older versions).
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub total_count: ::std::option::Option<crate::wire::FlexInt>,
    ///The videos on this page.
    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
    pub videos: ::std::option::Option<::std::vec::Vec<Video>>,
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

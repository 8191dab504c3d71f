//! What an endpoint is, in one table: [`ENDPOINTS`].
//!
//! Each entry names the provider, the endpoint's name (the one errors and
//! logs carry), its HTTP method and path, the generated types of its
//! response, request and error bodies with the fixtures each is tested on,
//! how the emulator (`vidapi::emulator`, feature `emulator`) answers it, and the `vidapi`
//! command that calls it. Everything else reads the table instead of keeping
//! a list of its own: the tests' fixture → type tables, the emulator's
//! routing (a path pattern here, a handler there only where the answer needs
//! logic), the demo, and the checklist test that tells a contributor the next
//! step of "Adding an endpoint" (docs/architecture.md).
//!
//! The table sits above the providers (it names their generated types) and
//! below the emulator and the command line; the providers do not read it.
//!
//! ```
//! use vidapi::endpoints::{self, ENDPOINTS};
//! use vidapi::Provider;
//! let files = endpoints::find(Provider::MiniMax, "list files").unwrap();
//! assert_eq!((files.method, files.path), ("GET", "/v1/minimax/files/"));
//! assert_eq!(files.response.type_name(), "FileList");
//! assert_eq!(files.response.schema_file(), "schemas/minimax/files.json");
//! let lookup = endpoints::find(Provider::MiniMax, "get video").unwrap();
//! assert_eq!(lookup.path_params("/v1/minimax/videos/a%3Ab"), Some(vec![("videoId", "a%3Ab")]));
//! // Every response type is tested on a fixture (Hour One's create answer
//! // shares its type, and so its fixtures, with the lookup).
//! let tested = endpoints::fixtures();
//! assert!(ENDPOINTS.iter().all(|e| tested.iter().any(|(_, p)| {
//!     p.schema_file() == e.response.schema_file() && p.type_name() == e.response.type_name()
//! })));
//! ```

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::drift::{self, Observed, Root};
use crate::error::Provider;
use crate::registry;
use crate::{hourone, memories, minimax, pixverse, useapi};

/// One endpoint: everything the crate, its emulator, its command line and
/// its tests need to know about it.
#[derive(Clone, Copy, Debug)]
pub struct Spec {
    /// Whose endpoint it is.
    pub provider: Provider,
    /// Its name, as errors and log events name it (`"list videos"`).
    pub name: &'static str,
    /// `GET`, `POST`, …
    pub method: &'static str,
    /// The path below the client's base URL, `{name}` standing for one
    /// path segment (`/v1/minimax/videos/{videoId}`). A trailing `/` is
    /// optional in requests.
    pub path: &'static str,
    /// The 2xx answer's type and its fixtures.
    pub response: Payload,
    /// The request body's or query's type, if it has one.
    pub request: Option<Payload>,
    /// The error body's type (the provider's error shape), if it has one.
    pub error: Option<Payload>,
    /// How the emulator answers it.
    pub emulated: Emulated,
    /// The `vidapi` command that calls it, without `vidapi [--json]`
    /// (`"minimax video"`).
    pub command: &'static str,
}

/// How the emulator (`vidapi::emulator`, feature `emulator`) answers an endpoint.
#[derive(Clone, Copy, Debug)]
pub enum Emulated {
    /// A handler of its own in the emulator (paging, lookups, state): for
    /// endpoints whose answer depends on the request.
    Handler,
    /// The documented sample, as is, after the provider's credential check:
    /// the fixture's path (relative to the crate root) and its text. The
    /// fixture counts as one of the response's fixtures.
    Sample(&'static str, &'static str),
}

/// An endpoint's documented sample, served by the emulator: its path
/// relative to the crate root and its text, compiled in. No endpoint is
/// answered by its bare sample today; the declaration stays for the next.
#[allow(unused_macros)]
macro_rules! sample {
    ($path:literal) => {
        Emulated::Sample(
            $path,
            include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/", $path)),
        )
    };
}

/// A body of an endpoint: its generated type (and so its schema file) and
/// the fixtures it is tested on.
#[derive(Clone, Copy)]
pub struct Payload {
    root: fn() -> &'static Root,
    list: bool,
    round_trip: fn(&[u8]) -> RoundTrip,
    fixtures: &'static [&'static str],
}

impl std::fmt::Debug for Payload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Payload")
            .field("provider", &self.provider())
            .field("type", &self.type_name())
            .field("fixtures", &self.fixtures)
            .finish()
    }
}

/// What decoding a payload, writing it again and decoding that gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RoundTrip {
    /// It decoded, and the decoded value written and read back is the same.
    Same,
    /// It does not decode as the type (the serde error).
    NotDecoded(String),
    /// It decoded, but written and read back it is not the same value: a
    /// bug in the type (what went wrong).
    Changed(String),
}

fn round_trip<T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug>(
    json: &[u8],
) -> RoundTrip {
    let first: T = match serde_json::from_slice(json) {
        Ok(value) => value,
        Err(e) => return RoundTrip::NotDecoded(e.to_string()),
    };
    let written = match serde_json::to_vec(&first) {
        Ok(written) => written,
        Err(e) => return RoundTrip::Changed(format!("cannot be written again: {e}")),
    };
    match serde_json::from_slice::<T>(&written) {
        Ok(again) if again == first => RoundTrip::Same,
        Ok(again) => RoundTrip::Changed(format!("{first:?} came back as {again:?}")),
        Err(e) => RoundTrip::Changed(format!("written again it does not decode: {e}")),
    }
}

impl Payload {
    /// The generated type `T`, tested on `fixtures` (paths relative to the
    /// crate root).
    pub const fn of<T>(fixtures: &'static [&'static str]) -> Payload
    where
        T: Observed + DeserializeOwned + Serialize + PartialEq + std::fmt::Debug,
    {
        Payload {
            root: T::root,
            list: false,
            round_trip: round_trip::<T>,
            fixtures,
        }
    }

    /// A bare JSON array of the generated type `T` (`Video[]`).
    pub const fn list_of<T>(fixtures: &'static [&'static str]) -> Payload
    where
        T: Observed + DeserializeOwned + Serialize + PartialEq + std::fmt::Debug,
    {
        Payload {
            root: T::root,
            list: true,
            round_trip: round_trip::<Vec<T>>,
            fixtures,
        }
    }

    /// The schema folder of the type (`pixverse`): what `vidapi drift`
    /// takes as its provider.
    pub fn provider(&self) -> &'static str {
        (self.root)().provider()
    }

    /// The type as `vidapi drift` names it: the schema's `title`, with
    /// `[]` for a bare array (`Video[]`).
    pub fn type_name(&self) -> String {
        format!(
            "{}{}",
            (self.root)().title(),
            if self.list { "[]" } else { "" }
        )
    }

    /// The schema file the type is generated from, relative to the crate
    /// root (`schemas/pixverse/videos.json`).
    pub fn schema_file(&self) -> String {
        let root = (self.root)();
        registry::schema_file(root.provider(), root.title())
            .map(|file| format!("schemas/{file}"))
            .unwrap_or_default()
    }

    /// The fixtures listed for it, relative to the crate root.
    pub fn fixtures(&self) -> &'static [&'static str] {
        self.fixtures
    }

    /// Decodes `json` as the type, writes it and decodes it again.
    pub fn round_trip(&self, json: &[u8]) -> RoundTrip {
        (self.round_trip)(json)
    }

    /// The drift `json` shows against the type's schema (what `vidapi
    /// drift` reports).
    pub fn check(&self, json: &[u8]) -> Result<Vec<drift::Finding>, drift::CheckError> {
        registry::check(self.provider(), &self.type_name(), json)
    }
}

impl Spec {
    /// The payloads of this endpoint that are present: response, request,
    /// error.
    pub fn payloads(&self) -> impl Iterator<Item = &Payload> {
        std::iter::once(&self.response)
            .chain(self.request.as_ref())
            .chain(self.error.as_ref())
    }

    /// Every fixture of the response: the listed ones and the emulator's
    /// sample.
    pub fn response_fixtures(&self) -> impl Iterator<Item = &'static str> {
        let sample = match self.emulated {
            Emulated::Sample(path, _) => Some(path),
            Emulated::Handler => None,
        };
        sample
            .into_iter()
            .chain(self.response.fixtures.iter().copied())
    }

    /// The path's `{name}` segments as the request path holds them (still
    /// percent-encoded), if `path` is this endpoint's; `None` if not. A
    /// segment matches a non-empty text without `/`.
    pub fn path_params<'p>(&self, path: &'p str) -> Option<Vec<(&'static str, &'p str)>> {
        let pattern = self.path.strip_suffix('/').unwrap_or(self.path);
        let path = path.strip_suffix('/').unwrap_or(path);
        let mut wanted = pattern.split('/');
        let mut given = path.split('/');
        let mut params = Vec::new();
        loop {
            match (wanted.next(), given.next()) {
                (None, None) => return Some(params),
                (Some(want), Some(got)) => {
                    match want.strip_prefix('{').and_then(|w| w.strip_suffix('}')) {
                        Some(name) if !got.is_empty() => params.push((name, got)),
                        Some(_) => return None,
                        None if want == got => {}
                        None => return None,
                    }
                }
                _ => return None,
            }
        }
    }
}

/// The endpoint of `provider` named `name`.
pub fn find(provider: Provider, name: &str) -> Option<&'static Spec> {
    ENDPOINTS
        .iter()
        .find(|e| e.provider == provider && e.name == name)
}

/// The endpoint whose method and path pattern a request matches; `path`
/// below the provider's base URL.
pub fn route<'p>(
    provider: Provider,
    method: &str,
    path: &'p str,
) -> Option<(&'static Spec, Vec<(&'static str, &'p str)>)> {
    ENDPOINTS
        .iter()
        .filter(|e| e.provider == provider && e.method == method)
        .find_map(|e| Some((e, e.path_params(path)?)))
}

/// The payload a fixture (a path relative to the crate root, such as
/// `tests/fixtures/minimax/videos.json`) belongs to.
pub fn payload_of(fixture: &str) -> Option<&'static Payload> {
    ENDPOINTS.iter().find_map(|e| {
        if e.response_fixtures().any(|f| f == fixture) {
            return Some(&e.response);
        }
        e.payloads().find(|p| p.fixtures.contains(&fixture))
    })
}

/// Every fixture of every endpoint, each once, with the payload it is a
/// sample of, sorted by path (relative to the crate root). This is the
/// fixture → type table the tests read.
pub fn fixtures() -> Vec<(&'static str, &'static Payload)> {
    let mut all: Vec<(&'static str, &'static Payload)> = Vec::new();
    for spec in ENDPOINTS {
        let response = spec.response_fixtures().map(|f| (f, &spec.response));
        let others = spec
            .payloads()
            .skip(1)
            .flat_map(|p| p.fixtures.iter().map(move |f| (*f, p)));
        for (fixture, payload) in response.chain(others) {
            if !all.iter().any(|(f, _)| *f == fixture) {
                all.push((fixture, payload));
            }
        }
    }
    all.sort_by_key(|(f, _)| *f);
    all
}

/// useapi.net's error body, the same for MiniMax and PixVerse.
const USEAPI_ERROR: Payload = Payload::of::<useapi::ErrorBody>(&[
    "tests/fixtures/useapi/error-400.json",
    "tests/fixtures/useapi/error-401.json",
    "tests/fixtures/useapi/error-drift.json",
    "tests/fixtures/useapi/error-no-code.json",
]);

/// Every endpoint, by provider.
pub static ENDPOINTS: &[Spec] = &[
    Spec {
        provider: Provider::MiniMax,
        name: "list videos",
        method: "GET",
        path: "/v1/minimax/videos/",
        response: Payload::of::<minimax::VideoList>(&[
            "tests/fixtures/minimax/videos.json",
            "tests/fixtures/minimax/videos-drift.json",
            "tests/fixtures/minimax/videos-empty.json",
            "tests/fixtures/minimax/videos-nulls.json",
            "tests/fixtures/drift/minimax-videos-later.json",
            "tests/fixtures/drift/minimax-videos-new-status.json",
        ]),
        request: Some(Payload::of::<minimax::VideosQuery>(&[])),
        error: Some(USEAPI_ERROR),
        emulated: Emulated::Handler,
        command: "minimax videos",
    },
    Spec {
        provider: Provider::MiniMax,
        name: "get video",
        method: "GET",
        path: "/v1/minimax/videos/{videoId}",
        response: Payload::of::<minimax::Video>(&[
            "tests/lookup-fixtures/minimax/video.json",
            "tests/lookup-fixtures/minimax/video-processing.json",
        ]),
        request: None,
        error: Some(USEAPI_ERROR),
        emulated: Emulated::Handler,
        command: "minimax video",
    },
    Spec {
        provider: Provider::MiniMax,
        name: "list files",
        method: "GET",
        path: "/v1/minimax/files/",
        response: Payload::of::<minimax::FileList>(&[
            "tests/fixtures/minimax/files.json",
            "tests/fixtures/minimax/files-drift.json",
            "tests/fixtures/minimax/files-empty.json",
        ]),
        request: Some(Payload::of::<minimax::FilesQuery>(&[])),
        error: Some(USEAPI_ERROR),
        emulated: Emulated::Handler,
        command: "minimax files",
    },
    Spec {
        provider: Provider::PixVerse,
        name: "list videos",
        method: "GET",
        path: "/v2/pixverse/videos/",
        response: Payload::of::<pixverse::VideoPage>(&[
            "tests/fixtures/pixverse/videos.json",
            "tests/fixtures/pixverse/videos-data-null.json",
            "tests/fixtures/pixverse/videos-drift.json",
            "tests/fixtures/pixverse/videos-empty.json",
            "tests/fixtures/pixverse/videos-fractional.json",
            "tests/fixtures/pixverse/videos-nulls.json",
        ]),
        request: Some(Payload::of::<pixverse::VideosQuery>(&[])),
        error: Some(USEAPI_ERROR),
        emulated: Emulated::Handler,
        command: "pixverse videos",
    },
    Spec {
        provider: Provider::PixVerse,
        name: "get video",
        method: "GET",
        path: "/v2/pixverse/videos/{video_id}",
        response: Payload::of::<pixverse::Video>(&["tests/lookup-fixtures/pixverse/video.json"]),
        request: None,
        error: Some(USEAPI_ERROR),
        emulated: Emulated::Handler,
        command: "pixverse video",
    },
    Spec {
        provider: Provider::HourOne,
        name: "list videos",
        method: "GET",
        path: "/videos",
        response: Payload::list_of::<hourone::Video>(&["tests/fixtures/hourone/videos.json"]),
        request: None,
        error: None,
        emulated: Emulated::Handler,
        command: "hourone videos",
    },
    Spec {
        provider: Provider::HourOne,
        name: "create video",
        method: "POST",
        path: "/videos",
        response: Payload::of::<hourone::Video>(&[]),
        request: Some(Payload::of::<hourone::CreateVideoRequest>(&[
            "tests/fixtures/hourone/create-video-request.json",
            "tests/fixtures/drift/hourone-create-video-scenes.json",
        ])),
        error: Some(Payload::of::<hourone::ValidationError>(&[
            "tests/fixtures/hourone/validation-error.json",
        ])),
        emulated: Emulated::Handler,
        command: "hourone create",
    },
    Spec {
        provider: Provider::HourOne,
        name: "get video",
        method: "GET",
        path: "/videos/{video_id}",
        response: Payload::of::<hourone::Video>(&[
            "tests/fixtures/hourone/video.json",
            "tests/fixtures/hourone/video-drift.json",
            "tests/fixtures/hourone/video-nulls.json",
        ]),
        request: None,
        error: None,
        emulated: Emulated::Handler,
        command: "hourone video",
    },
    Spec {
        provider: Provider::HourOne,
        name: "get video metadata",
        method: "GET",
        path: "/videos/{video_id}/metadata",
        response: Payload::of::<hourone::VideoMetadata>(&[
            "tests/fixtures/hourone/metadata.json",
            "tests/fixtures/hourone/metadata-drift.json",
        ]),
        request: None,
        error: None,
        emulated: Emulated::Handler,
        command: "hourone metadata",
    },
    Spec {
        provider: Provider::Memories,
        name: "list videos",
        method: "POST",
        path: "/serve/api/video/list_videos",
        response: Payload::of::<memories::ListVideosResponse>(&[
            "tests/fixtures/memories/list-videos.json",
            "tests/fixtures/memories/list-videos-drift.json",
            "tests/fixtures/memories/list-videos-empty.json",
            "tests/fixtures/memories/list-videos-nulls.json",
            "tests/fixtures/memories/error-0401.json",
            "tests/fixtures/memories/error-0429.json",
            "tests/fixtures/memories/error-int-code.json",
            "tests/fixtures/drift/memories-list-videos-new-status.json",
        ]),
        request: Some(Payload::of::<memories::ListVideosRequest>(&[
            "tests/fixtures/memories/list-videos-request.json",
        ])),
        error: None,
        emulated: Emulated::Handler,
        command: "memories videos",
    },
    Spec {
        provider: Provider::Memories,
        name: "list videos (v1)",
        method: "POST",
        path: "/serve/api/v1/list_videos",
        response: Payload::of::<memories::ListVideosResponse>(&[
            "tests/fixtures/memories/list-videos-newer.json",
        ]),
        request: Some(Payload::of::<memories::ListVideosV1Request>(&[])),
        error: None,
        emulated: Emulated::Handler,
        command: "memories videos --api v1",
    },
    Spec {
        provider: Provider::PixVerse,
        name: "scheduler available",
        method: "GET",
        path: "/v2/pixverse/scheduler/available",
        response: Payload::of::<pixverse::SchedulerAvailable>(&[
            "tests/fixtures/pixverse/scheduler-available.json",
        ]),
        request: None,
        error: Some(USEAPI_ERROR),
        emulated: Emulated::Handler,
        command: "pixverse capacity",
    },
    Spec {
        provider: Provider::MiniMax,
        name: "create video",
        method: "POST",
        path: "/v1/minimax/videos/create",
        response: Payload::of::<minimax::CreatedVideo>(&[
            "tests/fixtures/minimax/create.json",
            "tests/fixtures/minimax/create-oldest.json",
        ]),
        request: Some(Payload::of::<minimax::CreateVideoRequest>(&[
            "tests/fixtures/minimax/create-request.json",
        ])),
        error: Some(USEAPI_ERROR),
        emulated: Emulated::Handler,
        command: "generate minimax",
    },
    Spec {
        provider: Provider::MiniMax,
        name: "scheduler available",
        method: "GET",
        path: "/v1/minimax/scheduler/available",
        response: Payload::of::<minimax::SchedulerAvailable>(&[
            "tests/fixtures/minimax/scheduler-available.json",
        ]),
        request: None,
        error: Some(USEAPI_ERROR),
        emulated: Emulated::Handler,
        command: "minimax capacity",
    },
    Spec {
        provider: Provider::PixVerse,
        name: "create video",
        method: "POST",
        path: "/v2/pixverse/videos/create",
        response: Payload::of::<pixverse::CreatedVideo>(&["tests/fixtures/pixverse/create.json"]),
        request: Some(Payload::of::<pixverse::CreateVideoRequest>(&[
            "tests/fixtures/pixverse/create-request.json",
        ])),
        error: Some(USEAPI_ERROR),
        emulated: Emulated::Handler,
        command: "generate pixverse",
    },
    Spec {
        provider: Provider::MiniMax,
        name: "upload file",
        method: "POST",
        path: "/v1/minimax/files/",
        response: Payload::of::<minimax::UploadedFile>(&["tests/fixtures/minimax/upload.json"]),
        request: None,
        error: Some(USEAPI_ERROR),
        emulated: Emulated::Handler,
        command: "generate minimax",
    },
    Spec {
        provider: Provider::MiniMax,
        name: "cancel video",
        method: "POST",
        path: "/v1/minimax/videos/cancel",
        response: Payload::of::<minimax::Cancelled>(&["tests/fixtures/minimax/cancel.json"]),
        request: Some(Payload::of::<minimax::CancelRequest>(&[
            "tests/fixtures/minimax/cancel-request.json",
        ])),
        error: Some(USEAPI_ERROR),
        emulated: Emulated::Handler,
        command: "minimax cancel",
    },
    Spec {
        provider: Provider::PixVerse,
        name: "upload file",
        method: "POST",
        path: "/v2/pixverse/files/",
        response: Payload::of::<pixverse::UploadedFiles>(&[
            "tests/fixtures/pixverse/upload.json",
            "tests/fixtures/pixverse/upload-video.json",
        ]),
        request: None,
        error: Some(USEAPI_ERROR),
        emulated: Emulated::Handler,
        command: "generate pixverse",
    },
];

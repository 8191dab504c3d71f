//! Blocking clients for AI-video platform APIs: MiniMax and PixVerse through
//! useapi.net, Hour One, and memories.ai.
//!
//! The payload types in each provider module are generated at build time from
//! the JSON Schemas in `schemas/`; the clients are thin, synchronous wrappers
//! over one shared transport (ureq). Responses are read tolerantly — numbers
//! sent as strings, unknown fields, new status values all decode — and every
//! failure is an [`Error`] value naming the provider, endpoint and HTTP status.
//!
//! | provider | client | endpoints |
//! |---|---|---|
//! | MiniMax (useapi.net v1) | [`UseApi::minimax`] | [`videos`](minimax::MiniMax::videos), [`video`](minimax::MiniMax::video), [`files`](minimax::MiniMax::files) |
//! | PixVerse (useapi.net v2) | [`UseApi::pixverse`] | [`videos`](pixverse::PixVerse::videos), [`videos_page`](pixverse::PixVerse::videos_page), [`videos_iter`](pixverse::PixVerse::videos_iter), [`video`](pixverse::PixVerse::video) |
//! | every configured one | [`accounts::Accounts`] | [`list`](accounts::Accounts::list), [`find`](accounts::Accounts::find), [`wait`](accounts::Accounts::wait), [`download`](accounts::Accounts::download) |
//! | Hour One | [`HourOne`] | [`videos`](HourOne::videos), [`create_video`](HourOne::create_video), [`video`](HourOne::video), [`video_metadata`](HourOne::video_metadata) |
//! | memories.ai | [`Memories`] | [`list_videos`](Memories::list_videos), [`videos_iter`](Memories::videos_iter) |
//!
//! [`endpoints::ENDPOINTS`] lists every endpoint with its method, path,
//! payload types and fixtures, emulator answer and command.
//!
//! Clients keep to the providers' documented rate limits by themselves
//! ([`pace`]: memories.ai's list, 5 requests per second, spaced evenly and
//! shared by every clone and thread of a client), and report every HTTP
//! attempt as a [`tracing`](https://docs.rs/tracing) event (target
//! `vidapi::transport::log`, as `vidapi -v` prints it; DEBUG, INFO for a failure about to be retried) with
//! the fields `provider`, `endpoint`, `method`, `path` (query values other
//! than plain numbers, and path segments holding an `@`, redacted),
//! `status`, `bytes`, `ms`, `retry`, `paced_ms`, `wait_ms`, `error` (the
//! error's kind) and `code`; never a credential, a proxy URL or a body.
//! Every provider's video and list page answer the same accessors through
//! one contract, [`provider::VideoRecord`] and [`provider::Page`].
//! [`accounts::Scope`] picks the MiniMax account and PixVerse email that
//! [`accounts::Accounts`] lists and waits in.
//!
//! # Features
//!
//! The default build is the clients alone. Two features add to it; items
//! they add are marked so on docs.rs, which documents every feature:
//!
//! - `emulator`: `vidapi::emulator`, an in-process HTTP emulator of every
//!   provider, for demos and your own tests (one more crate);
//! - `schema-tools`: `vidapi::schema`, which infers, updates and diffs the
//!   JSON Schemas the types are generated from (keeps JSON keys in file order).
//!
//! (`bench-strict` is for this crate's own benchmarks only.)
//!
//! # Examples
//!
//! In your program, build clients with `from_env()` ([`env`](mod@env): the
//! credentials, base URLs, proxy and timeouts the `vidapi` command reads,
//! so the emulator's exported variables point them at the emulator), or
//! `with_config(credential, Config::new()…)` to set everything by hand;
//! `new(credential)` always reaches the production host. The guide
//! (`docs/library.md` in the repository) has a tour of every client.
//!
//! ```no_run
//! let accounts = vidapi::accounts::Accounts::from_env()?; // every provider whose credential is set
//! for video in accounts.list().videos {
//!     println!("{} {} {}", video.provider, video.id, video.stage);
//! }
//! # Ok::<(), vidapi::Error>(())
//! ```
//!
//! One example per provider follows, each run against the built-in
//! emulator (feature `emulator`) so it needs no network: each starts it and
//! builds the [`Config`] that points the client at it, not `from_env()`, so
//! that the environment cannot send it elsewhere. Without the feature they
//! compile to nothing.
//!
//! MiniMax and PixVerse share one useapi.net token:
//!
//! ```
//! # #[cfg(feature = "emulator")] {
//! let emulator = vidapi::emulator::Emulator::start()?;
//! let config = vidapi::Config::new().base_url(emulator.base_url());
//! let useapi = vidapi::UseApi::with_config(vidapi::emulator::USEAPI_TOKEN, config)?;
//! let videos = useapi.minimax().videos(Some("my-account"))?;
//! assert_eq!(videos.len(), 30); // the first page: 30 a page by default
//! let done = videos.iter().filter(|v| v.playable_url().is_some()).count();
//! assert!(done > 0 && done < videos.len());
//! let files = useapi.minimax().files(None, Some(5))?;
//! assert_eq!(files.len(), 5);
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ```
//! # #[cfg(feature = "emulator")] {
//! let emulator = vidapi::emulator::Emulator::start()?;
//! let config = vidapi::Config::new().base_url(emulator.base_url());
//! let useapi = vidapi::UseApi::with_config(vidapi::emulator::USEAPI_TOKEN, config)?;
//! let page = useapi.pixverse().videos(Some("me@example.com"), Some(10), None)?;
//! assert_eq!(page.data.as_ref().map(Vec::len), Some(10));
//! let mut finished = 0;
//! for video in useapi.pixverse().videos_iter(Some("me@example.com")) {
//!     if video?.is_final() {
//!         finished += 1;
//!     }
//! }
//! assert!(finished > 0);
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Hour One:
//!
//! ```
//! # #[cfg(feature = "emulator")] {
//! let emulator = vidapi::emulator::Emulator::start()?;
//! let config = vidapi::Config::new().base_url(emulator.base_url());
//! use std::time::Duration;
//! use vidapi::accounts::Accounts;
//! use vidapi::hourone::{CreateVideoRequest, Status};
//! let hour = vidapi::HourOne::with_config(vidapi::emulator::HOURONE_KEY, config)?;
//! let body = CreateVideoRequest { source_draft_id: Some("draft-1".into()), ..Default::default() };
//! let made = hour.create_video(&body, Some("workspace-1"), None)?;
//! let id = made.id().unwrap_or_default().to_owned();
//! // Rendering takes a while: wait (one request per poll) instead of looping.
//! let accounts = Accounts { hourone: Some(hour.clone()), ..Default::default() };
//! let (timeout, every) = (Duration::from_secs(30), Duration::from_millis(20));
//! let done = accounts.wait(vidapi::Provider::HourOne, &id, timeout, every, |_| {})?;
//! assert!(done.is_final);
//! assert_eq!(hour.video(&id)?.status(), Some(Status::Ready));
//! assert!(hour.video_metadata(&id)?.duration_secs().is_some());
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! memories.ai:
//!
//! ```
//! # #[cfg(feature = "emulator")] {
//! let emulator = vidapi::emulator::Emulator::start()?;
//! let config = vidapi::Config::new().base_url(emulator.base_url());
//! use vidapi::memories::{ListVideosRequest, Status};
//! let mem = vidapi::Memories::with_config(vidapi::emulator::MEMORIES_KEY, config)?;
//! let filter = ListVideosRequest::default().with_status(Status::Parsed); // sent as "PARSE"
//! let page = mem.list_videos(&filter)?;
//! let all = mem.videos_iter(filter).collect::<Result<Vec<_>, _>>()?;
//! assert_eq!(Some(all.len() as u64), page.total());
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![warn(missing_docs)]
// docs.rs builds with every feature and `--cfg docsrs` on nightly: there,
// items behind a feature are labelled with it. Stable never sets `docsrs`.
#![cfg_attr(docsrs, feature(doc_cfg))]

/// Declares a provider's generated types (from `OUT_DIR/<provider>.rs`)
/// inside the current module.
macro_rules! generated {
    ($provider:literal) => {
        #[allow(missing_docs, clippy::all, clippy::pedantic)]
        mod generated {
            include!(concat!(env!("OUT_DIR"), "/", $provider, ".rs"));
        }
        pub use generated::*;
    };
}
pub(crate) use generated;

mod config;
pub mod drift;
mod endpoint;
pub mod env;
mod error;
pub mod fsio;
pub mod pace;
mod paging;
pub mod provider;
pub mod redact;
mod stage;
mod transport;
pub mod wire;

pub mod hourone;
pub mod memories;
pub mod minimax;
pub mod pixverse;
pub mod useapi;

pub mod accounts;
pub mod download;
pub mod endpoints;
pub mod generate;
pub mod registry;
pub mod view;

#[cfg(feature = "emulator")]
#[cfg_attr(docsrs, doc(cfg(feature = "emulator")))]
pub mod emulator;
#[cfg(feature = "schema-tools")]
#[cfg_attr(docsrs, doc(cfg(feature = "schema-tools")))]
pub mod schema;

pub use config::{Body, Config, RetryPolicy};
pub use endpoint::Rate;
pub use error::{CreateRefusal, Endpoint, Error, Provider, Result};
pub use hourone::HourOne;
pub use memories::Memories;
pub use stage::Stage;
pub use useapi::UseApi;

// The README's and the guide's examples compile as doctests.
#[cfg(all(doctest, feature = "emulator"))]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
#[cfg(all(doctest, feature = "emulator"))]
#[doc = include_str!("../docs/library.md")]
struct LibraryGuideDoctests;

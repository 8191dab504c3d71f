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
//! | MiniMax (useapi.net v1) | [`UseApi::minimax`] | [`videos`](minimax::MiniMax::videos), [`files`](minimax::MiniMax::files) |
//! | PixVerse (useapi.net v2) | [`UseApi::pixverse`] | [`videos`](pixverse::PixVerse::videos), [`videos_iter`](pixverse::PixVerse::videos_iter) |
//! | Hour One | [`HourOne`] | [`videos`](HourOne::videos), [`create_video`](HourOne::create_video), [`video`](HourOne::video), [`video_metadata`](HourOne::video_metadata) |
//! | memories.ai | [`Memories`] | [`list_videos`](Memories::list_videos), [`videos_iter`](Memories::videos_iter) |
//!
//! Each provider module's documentation opens with an example. Against the
//! built-in [`emulator`], without any network:
//!
//! ```
//! # #[cfg(feature = "emulator")] {
//! let emulator = vidapi::emulator::Emulator::start()?;
//! let useapi = vidapi::UseApi::with_config(
//!     vidapi::emulator::USEAPI_TOKEN,
//!     vidapi::Config::new().base_url(emulator.base_url()),
//! )?;
//! let videos = useapi.minimax().videos(None)?;
//! assert!(!videos.is_empty());
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![warn(missing_docs)]

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
mod error;
mod paging;
mod transport;
pub mod view;
pub mod wire;

pub mod hourone;
pub mod memories;
pub mod minimax;
pub mod pixverse;
pub mod useapi;

#[cfg(feature = "emulator")]
pub mod emulator;

pub use config::{Config, RetryPolicy};
pub use error::{Endpoint, Error, Provider, Result};
pub use hourone::HourOne;
pub use memories::Memories;
pub use useapi::UseApi;

// The README's examples compile as doctests.
#[cfg(all(doctest, feature = "emulator"))]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

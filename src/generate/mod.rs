//! One way to make a video on MiniMax, PixVerse or Hour One, without ever
//! paying twice for it.
//!
//! A [`Job`] (provider, prompt and documented fields, an optional local
//! image, an optional account) becomes a [`Plan`] after it is checked, with
//! nothing sent: an empty prompt without an image, an over-long prompt, a
//! model the provider's docs do not list, a missing file or an image type
//! the docs do not take (by its magic bytes) are
//! [`Error::InvalidArgument`](crate::Error::InvalidArgument). The plan carries a stable idempotency key,
//! sent as `replyRef`. A [`Generator`] then submits it:
//!
//! - [`choose_account`](Generator::choose_account): when the job names no
//!   account, the one with the most free capacity in `scheduler/available`
//!   (one read), leaving out accounts this generator saw out of credits
//!   (412) or on hold (596);
//! - [`upload`](Generator::upload): the image, once per file and account
//!   (cached by the file's SHA-256);
//! - [`create_once`](Generator::create_once): exactly one create call, its
//!   outcome classified ([`Attempt`]);
//! - [`reconcile`](Generator::reconcile): after an ambiguous failure (502
//!   or 504, a timeout, a connection cut once the request may have been
//!   sent) whether the job exists: by its `replyRef` among the scheduler's
//!   running jobs, then among the account's newest videos with the same
//!   prompt. Only [`Reconciled::Absent`] allows a resend;
//! - [`submit`](Generator::submit): the loop over those steps: 429 waits
//!   (`Retry-After`, else backoff with jitter, within a deadline) and tries
//!   again, 412/596 move to the next account, 422 ends the job moderated,
//!   and a job that cannot be proven absent ends [`Submitted::Unknown`]
//!   with the evidence, never with a second create.
//!
//! The steps are public so that a batch runner can record each one (the
//! intent before `create_once`, its answer after, `reconcile` on restart).
//! The created video is then waited for and downloaded like any other
//! ([`Accounts::wait_for`](crate::accounts::Accounts::wait_for),
//! [`Accounts::download_video`](crate::accounts::Accounts::download_video)).
//!
//! ```
//! # #[cfg(feature = "emulator")] {
//! use vidapi::emulator::{AfterAccept, Emulator, USEAPI_TOKEN};
//! use vidapi::generate::{Generator, Job, Submitted};
//! use vidapi::{Config, Provider, UseApi};
//!
//! let emulator = Emulator::start()?;
//! let useapi = UseApi::with_config(USEAPI_TOKEN, Config::new().base_url(emulator.base_url()))?;
//! // MiniMax accepts the job, then answers 502.
//! emulator.after_accept(1, AfterAccept::Status(502));
//! let plan = Job::new(Provider::MiniMax, "a red kite over the sea").plan()?;
//! let mut generator = Generator::new().useapi(&useapi);
//! let Submitted::Created(created) = generator.submit(&plan)? else { panic!() };
//! // Reconciled, not sent again: one create, one video.
//! assert_eq!(emulator.creates_with_ref(plan.key()), 1);
//! assert!(created.reconciled);
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod plan;
mod submit;

pub use plan::{Image, Job, Plan};
pub use submit::{Attempt, Backoff, Created, Generator, Reconciled, Submitted};

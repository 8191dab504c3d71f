//! Every configured provider at once: list all their videos, find one
//! video, wait until it is final, download its file. Built on the
//! cross-provider [`Video`] view, above the provider modules.
//!
//! ```
//! # #[cfg(feature = "emulator")] {
//! let emulator = vidapi::emulator::Emulator::start()?;
//! let config = vidapi::Config::new().base_url(emulator.base_url());
//! # let dir = tempfile::tempdir()?;
//! use std::time::Duration;
//! use vidapi::accounts::Accounts;
//! use vidapi::download::Options;
//! use vidapi::Provider;
//! let accounts = Accounts {
//!     useapi: Some(vidapi::UseApi::with_config(vidapi::emulator::USEAPI_TOKEN, config)?),
//!     ..Default::default()
//! };
//! let id = "user:<userid>-pixverse:me@example.com-video:1001";
//! let video = accounts.wait(Provider::PixVerse, id, Duration::from_secs(60), Duration::from_secs(5), |_| {})?;
//! let path = dir.path().join("video.mp4");
//! let done = accounts.download_video(&video, Some(&path), &Options::default(), |_| {})?;
//! assert_eq!(std::fs::metadata(&path)?.len(), done.bytes);
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::time::{Duration, Instant};

use crate::error::{Error, Provider, Result};
use crate::provider::VideoRecord;
use crate::view::{ProviderVideo, Video};
use crate::{HourOne, Memories, UseApi, pixverse};

/// The clients of whichever providers are configured, for working across
/// them: [`Accounts::list`], [`Accounts::find`], [`Accounts::wait`] and
/// [`Accounts::download`] (the last defined with the downloads, in
/// [`download`](crate::download)).
#[derive(Clone, Debug, Default)]
pub struct Accounts {
    /// useapi.net (MiniMax and PixVerse), if configured.
    pub useapi: Option<UseApi>,
    /// Hour One, if configured.
    pub hourone: Option<HourOne>,
    /// memories.ai, if configured.
    pub memories: Option<Memories>,
}

/// Which account to use where one credential serves several: the MiniMax
/// account and the PixVerse email configured at useapi.net. Absent, the
/// provider's default account is used, as the provider methods do when
/// given `None`. Taken by [`Accounts::list_in`], [`Accounts::videos_of_in`],
/// [`Accounts::find_in`] and [`Accounts::wait_in`].
///
/// ```no_run
/// use vidapi::accounts::{Accounts, Scope};
/// let accounts = Accounts { useapi: Some(vidapi::UseApi::new("user:…")), ..Default::default() };
/// let scope = Scope {
///     minimax_account: Some("second-account".into()),
///     pixverse_email: Some("me@example.com".into()),
/// };
/// let listing = accounts.list_in(&scope);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scope {
    /// The MiniMax account (`account=`), when several are configured.
    pub minimax_account: Option<String>,
    /// The PixVerse account email (`email=`), when several are configured.
    /// A PixVerse composite video id names its own account, which wins.
    pub pixverse_email: Option<String>,
}

/// What [`Accounts::list`] found: the videos of every provider that answered,
/// and the error of every provider that did not.
#[derive(Debug, Default)]
pub struct Listing {
    /// Videos, provider by provider, in each provider's order.
    pub videos: Vec<Video>,
    /// One error per provider that failed.
    pub failures: Vec<Error>,
}

/// One video followed across polls: what earlier polls learned saves
/// requests in later ones (the provider modules' `find` quirks, with their
/// state kept here).
struct Tracker<'a> {
    provider: Provider,
    id: &'a str,
    scope: &'a Scope,
    /// MiniMax: the composite id a short id turned out to have
    /// ([`MiniMax::find`](crate::minimax::MiniMax::find)).
    learned: Option<String>,
    /// PixVerse: the video as last listed queued or generating
    /// ([`PixVerse::find`](crate::pixverse::PixVerse::find)).
    seen: Option<pixverse::Video>,
}

impl<'a> Tracker<'a> {
    fn new(provider: Provider, id: &'a str, scope: &'a Scope) -> Self {
        Tracker {
            provider,
            id,
            scope,
            learned: None,
            seen: None,
        }
    }

    /// The video's state now; `None` when the provider does not have it.
    fn poll(&mut self, accounts: &Accounts) -> Result<Option<ProviderVideo>> {
        let (id, scope) = (self.id, self.scope);
        Ok(match self.provider {
            Provider::HourOne => accounts
                .hourone_client()?
                .find(id)?
                .map(ProviderVideo::HourOne),
            Provider::Memories => accounts
                .memories_client(Provider::Memories)?
                .find(id)?
                .map(ProviderVideo::Memories),
            Provider::MiniMax => accounts
                .useapi_client(Provider::MiniMax)?
                .minimax()
                .find_learning(id, scope.minimax_account.as_deref(), &mut self.learned)?
                .map(ProviderVideo::MiniMax),
            Provider::PixVerse => accounts
                .useapi_client(Provider::PixVerse)?
                .pixverse()
                .find_following(id, scope.pixverse_email.as_deref(), &mut self.seen)?
                .map(ProviderVideo::PixVerse),
        })
    }
}

/// Every video an iterator yields, as cross-provider records.
fn records<V: VideoRecord>(videos: impl Iterator<Item = Result<V>>) -> Result<Vec<Video>> {
    videos.map(|v| v.map(|v| Video::from(&v))).collect()
}

impl Accounts {
    /// The providers whose credentials are set.
    pub fn providers(&self) -> Vec<Provider> {
        let mut providers = Vec::new();
        if self.useapi.is_some() {
            providers.extend([Provider::MiniMax, Provider::PixVerse]);
        }
        if self.hourone.is_some() {
            providers.push(Provider::HourOne);
        }
        if self.memories.is_some() {
            providers.push(Provider::Memories);
        }
        providers
    }

    pub(crate) fn not_configured(provider: Provider) -> Error {
        Error::invalid("provider", format!("{provider} is not configured"))
    }

    /// The useapi.net client, which `provider` (MiniMax or PixVerse) needs.
    fn useapi_client(&self, provider: Provider) -> Result<&UseApi> {
        self.useapi
            .as_ref()
            .ok_or_else(|| Self::not_configured(provider))
    }

    fn hourone_client(&self) -> Result<&HourOne> {
        self.hourone
            .as_ref()
            .ok_or_else(|| Self::not_configured(Provider::HourOne))
    }

    fn memories_client(&self, provider: Provider) -> Result<&Memories> {
        self.memories
            .as_ref()
            .ok_or_else(|| Self::not_configured(provider))
    }

    /// Every video of one provider, all pages, from the default accounts.
    pub fn videos_of(&self, provider: Provider) -> Result<Vec<Video>> {
        self.videos_of_in(provider, &Scope::default())
    }

    /// Every video of one provider, all pages, from the accounts `scope`
    /// names (MiniMax `account=`, PixVerse `email=` on every page).
    pub fn videos_of_in(&self, provider: Provider, scope: &Scope) -> Result<Vec<Video>> {
        match provider {
            Provider::MiniMax => records(
                self.useapi_client(provider)?
                    .minimax()
                    .videos_iter(scope.minimax_account.as_deref()),
            ),
            Provider::PixVerse => records(
                self.useapi_client(provider)?
                    .pixverse()
                    .videos_iter(scope.pixverse_email.as_deref()),
            ),
            Provider::HourOne => records(self.hourone_client()?.videos()?.into_iter().map(Ok)),
            Provider::Memories => records(
                self.memories_client(provider)?
                    .videos_iter(Default::default()),
            ),
        }
    }

    /// Every video of every configured provider. A provider that fails is
    /// reported in [`Listing::failures`] and does not hide the others.
    pub fn list(&self) -> Listing {
        self.list_in(&Scope::default())
    }

    /// Like [`list`](Self::list), from the accounts `scope` names.
    ///
    /// The providers are asked at the same time, one scoped thread each, so
    /// a listing takes about as long as the slowest provider rather than the
    /// sum of them; the videos still come in provider order.
    pub fn list_in(&self, scope: &Scope) -> Listing {
        let providers = self.providers();
        let answers: Vec<Result<Vec<Video>>> = match providers.as_slice() {
            [only] => vec![self.videos_of_in(*only, scope)],
            _ => std::thread::scope(|threads| {
                let asked: Vec<_> = providers
                    .iter()
                    .map(|&provider| threads.spawn(move || self.videos_of_in(provider, scope)))
                    .collect();
                asked
                    .into_iter()
                    .map(|thread| {
                        thread
                            .join()
                            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                    })
                    .collect()
            }),
        };
        let mut listing = Listing::default();
        for answer in answers {
            match answer {
                Ok(videos) => listing.videos.extend(videos),
                Err(e) => listing.failures.push(e),
            }
        }
        listing
    }

    /// One video's current state, `Ok(None)` when the provider does not
    /// have it. One request where the provider can look a video up:
    ///
    /// - Hour One: `GET /videos/{id}`; 404 is "not there".
    /// - MiniMax: `GET /v1/minimax/videos/{videoId}` for useapi.net's
    ///   composite id (`user:…-minimax:…-video:…`); 404 means removed or
    ///   moderated, so "not there". MiniMax's own short id (what tables
    ///   show) names no account and cannot be looked up directly: the list
    ///   is paged until it turns up, then the composite id it lists is
    ///   looked up, for the whole video (its `downloadURL`).
    /// - PixVerse: `GET /v2/pixverse/videos/{video_id}`. useapi.net answers
    ///   404 while a video is queued or generating, so a 404 is followed by
    ///   one read of the account's first page (the account named in the
    ///   id): listed there as queued or generating, the video is still being
    ///   made and that listed state is returned; otherwise it is not there.
    /// - memories.ai: its list filtered by `video_no`.
    pub fn find(&self, provider: Provider, id: &str) -> Result<Option<Video>> {
        self.find_in(provider, id, &Scope::default())
    }

    /// Like [`find`](Self::find), in the accounts `scope` names: a MiniMax
    /// short id is looked for in that account's list, and a PixVerse 404 is
    /// checked against that email's first page when the id names none.
    pub fn find_in(&self, provider: Provider, id: &str, scope: &Scope) -> Result<Option<Video>> {
        if id.trim().is_empty() {
            return Err(Error::invalid("video id", "must not be empty"));
        }
        Ok(Tracker::new(provider, id, scope)
            .poll(self)?
            .as_ref()
            .map(Video::from))
    }

    /// Polls [`Accounts::find`] every `interval` until the video is final
    /// ([`Video::is_final`]), calling `on_poll` with each state seen. Fails with
    /// [`WaitError::Timeout`] (carrying the last state) once `timeout` has
    /// passed, or with [`WaitError::NotFound`] if the provider lacks the video.
    ///
    /// Each poll is one request where the provider has a lookup, after
    /// what the first poll learned: a MiniMax video found by its short id
    /// is looked up by its composite id from then on, and a PixVerse video
    /// the first poll saw queued or generating stays so while the lookup
    /// answers 404 (a PixVerse video removed mid-wait therefore ends the
    /// wait by timeout, not as "not found").
    pub fn wait(
        &self,
        provider: Provider,
        id: &str,
        timeout: Duration,
        interval: Duration,
        on_poll: impl FnMut(&Video),
    ) -> Result<Video, WaitError> {
        self.wait_in(provider, id, &Scope::default(), timeout, interval, on_poll)
    }

    /// Like [`wait`](Self::wait), polling [`find_in`](Self::find_in) with
    /// the accounts `scope` names.
    pub fn wait_in(
        &self,
        provider: Provider,
        id: &str,
        scope: &Scope,
        timeout: Duration,
        interval: Duration,
        mut on_poll: impl FnMut(&Video),
    ) -> Result<Video, WaitError> {
        let poll = |v: &ProviderVideo| on_poll(&Video::from(v));
        self.wait_for(provider, id, scope, timeout, interval, poll)
            .map(Video::from)
    }
}

impl Accounts {
    /// Like [`wait_in`](Self::wait_in), ending with the provider's own
    /// video, whole ([`ProviderVideo`]: every field the provider sent, and
    /// the provider's own [`Status`](crate::minimax::Status)), rather than
    /// the cross-provider record. `on_poll` sees each state as the provider
    /// sent it. A video that ended failed is returned like any final one:
    /// [`ProviderVideo::is_failed`] tells.
    ///
    /// ```
    /// # #[cfg(feature = "emulator")] {
    /// use std::time::Duration;
    /// use vidapi::accounts::{Accounts, Scope};
    /// use vidapi::view::ProviderVideo;
    /// use vidapi::{Config, HourOne, Provider};
    ///
    /// let emulator = vidapi::emulator::Emulator::start()?;
    /// let config = Config::new().base_url(emulator.base_url());
    /// let accounts = Accounts {
    ///     hourone: Some(HourOne::with_config(vidapi::emulator::HOURONE_KEY, config)?),
    ///     ..Default::default()
    /// };
    /// let body = vidapi::hourone::CreateVideoRequest {
    ///     source_draft_id: Some("draft-1".into()),
    ///     ..Default::default()
    /// };
    /// let made = accounts.hourone.as_ref().unwrap().create_video(&body, None, None)?;
    /// let id = made.id().unwrap_or_default();
    /// let (every, timeout) = (Duration::from_millis(10), Duration::from_secs(10));
    /// let done = accounts.wait_for(Provider::HourOne, id, &Scope::default(), timeout, every, |_| {})?;
    /// let ProviderVideo::HourOne(video) = done else { unreachable!() };
    /// assert_eq!(video.status(), Some(vidapi::hourone::Status::Ready));
    /// # }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn wait_for(
        &self,
        provider: Provider,
        id: &str,
        scope: &Scope,
        timeout: Duration,
        interval: Duration,
        mut on_poll: impl FnMut(&ProviderVideo),
    ) -> Result<ProviderVideo, WaitError> {
        if interval.is_zero() || timeout.is_zero() {
            return Err(WaitError::Api(Error::invalid(
                "wait",
                "timeout and interval must be positive",
            )));
        }
        if id.trim().is_empty() {
            return Err(WaitError::Api(Error::invalid(
                "video id",
                "must not be empty",
            )));
        }
        let deadline = Instant::now() + timeout;
        let mut tracker = Tracker::new(provider, id, scope);
        loop {
            let video = tracker.poll(self)?.ok_or(WaitError::NotFound)?;
            on_poll(&video);
            if video.is_final() {
                return Ok(video);
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(WaitError::Timeout(Box::new(Video::from(&video))));
            }
            std::thread::sleep(interval.min(deadline - now));
        }
    }
}

/// Why [`Accounts::wait`] ended without a final state.
#[derive(Debug, thiserror::Error)]
pub enum WaitError {
    /// A call failed.
    #[error(transparent)]
    Api(#[from] Error),
    /// The provider does not have a video with that id.
    #[error("no video with that id")]
    NotFound,
    /// Time ran out; the last state seen.
    #[error("timed out waiting; last seen {}", .0.stage)]
    Timeout(Box<Video>),
}

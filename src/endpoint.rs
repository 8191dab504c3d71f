//! What a call is, as the bottom layer knows it: the [`Provider`], the
//! [`Endpoint`] (named as its doc page names it, with the rate limit its
//! provider documents) and a request [`Rate`]. Provider modules declare
//! their endpoints with these; errors, settings, the pacer and the
//! transport take them. Nothing here names a provider module.

use std::fmt;
use std::time::Duration;

/// The providers vidapi speaks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Provider {
    /// MiniMax (hailuoai.video) through useapi.net v1.
    MiniMax,
    /// PixVerse through useapi.net v2.
    PixVerse,
    /// Hour One (makereals.com).
    HourOne,
    /// memories.ai.
    Memories,
}

impl Provider {
    /// Every provider, in display order.
    pub const ALL: [Provider; 4] = [
        Provider::MiniMax,
        Provider::PixVerse,
        Provider::HourOne,
        Provider::Memories,
    ];

    /// A short lowercase name, as used on the command line.
    pub fn slug(self) -> &'static str {
        match self {
            Provider::MiniMax => "minimax",
            Provider::PixVerse => "pixverse",
            Provider::HourOne => "hourone",
            Provider::Memories => "memories",
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Provider::MiniMax => "MiniMax",
            Provider::PixVerse => "PixVerse",
            Provider::HourOne => "Hour One",
            Provider::Memories => "memories.ai",
        })
    }
}

/// Which call an error came from: the provider and the endpoint's name.
/// The provider module that declares an endpoint also declares its
/// documented rate limit, when its docs give one
/// ([`pace::documented`](crate::pace::documented) reads it from here).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Endpoint {
    /// The provider that was called.
    pub provider: Provider,
    /// The endpoint, named as its doc page names it (`list videos`).
    pub name: &'static str,
    /// The documented limit it counts against, if any (a reference, so
    /// that an endpoint, and every error carrying one, stays small).
    limit: Option<&'static Limit>,
}

/// A documented rate limit: its rate, and the name of the limit it is
/// (endpoints naming the same limit count against one limiter). Provider
/// modules declare theirs as constants.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Limit {
    pub rate: Rate,
    pub name: &'static str,
}

impl Endpoint {
    /// An endpoint with no documented rate limit.
    pub(crate) const fn new(provider: Provider, name: &'static str) -> Self {
        Endpoint {
            provider,
            name,
            limit: None,
        }
    }

    /// This endpoint, documented to count against `limit` (endpoints the
    /// provider counts together name the same one).
    pub(crate) const fn limited(self, limit: &'static Limit) -> Self {
        Endpoint {
            limit: Some(limit),
            ..self
        }
    }

    /// The documented limit this endpoint counts against, if any.
    pub(crate) const fn limit(&self) -> Option<&'static Limit> {
        self.limit
    }
}

// Written by hand so that it shows what users see: the provider and the name.
impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Endpoint")
            .field("provider", &self.provider)
            .field("name", &self.name)
            .finish()
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.provider, self.name)
    }
}

/// A request rate: at most `requests` in any window of `per`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Rate {
    /// How many requests a window may hold (at least 1 is used).
    pub requests: u32,
    /// The window's length.
    pub per: Duration,
}

/// The guard added to each gap, as a fraction of it: 1/10 (10 %). Over a
/// window of `n` gaps it adds up to 10 % of the window (100 ms of a
/// second), so a request that reaches the server up to that much later
/// than the one five after it (network jitter, a busy machine) still does
/// not make the server count one request too many in a window.
const GUARD_DIVISOR: u32 = 10;

impl Rate {
    /// `requests` per second.
    pub const fn per_second(requests: u32) -> Rate {
        Rate {
            requests,
            per: Duration::from_secs(1),
        }
    }

    /// The gap kept between the starts of two requests: `per / requests`,
    /// plus a guard of 10 % of that. For memories.ai's 5 per second: 220 ms.
    pub fn spacing(&self) -> Duration {
        let even = self.per / self.requests.max(1);
        even + even / GUARD_DIVISOR
    }
}

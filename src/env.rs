//! Clients configured from environment variables, as the `vidapi` command
//! configures them: [`Accounts::from_env`] for every provider whose
//! credential is set, and `from_env` on each client for one provider.
//!
//! | variable | what it sets |
//! |---|---|
//! | [`USEAPI_TOKEN`] | useapi.net's token (MiniMax and PixVerse) |
//! | [`HOURONE_API_KEY`] | Hour One's key |
//! | [`MEMORIES_API_KEY`] | memories.ai's key |
//! | [`USEAPI_BASE_URL`], [`HOURONE_BASE_URL`], [`MEMORIES_BASE_URL`] | [`Config::base_url`] of that client |
//! | [`VIDAPI_PROXY`] | [`Config::proxy`] of every client |
//! | [`VIDAPI_ALLOW_HTTP`] | `1` (or `true`, `yes`, `on`): [`Config::allow_http`] of every client |
//! | [`VIDAPI_PACE_DIR`] | a directory: [`Config::shared_pacing`] of every client (the `vidapi` command defaults it to [`pace::default_dir`](crate::pace::default_dir)) |
//! | [`VIDAPI_REQUEST_TIMEOUT`] | seconds (fractions allowed, more than 0, at most 86400): [`Config::timeout`] of every client |
//! | [`VIDAPI_CONNECT_TIMEOUT`] | seconds, the same way: [`Config::connect_timeout`] of every client |
//!
//! A variable that is unset or blank counts as not set. Every other setting
//! keeps [`Config::new`]'s default.
//!
//! ```
//! # #[cfg(feature = "emulator")] {
//! use vidapi::accounts::Accounts;
//! use vidapi::Provider;
//!
//! let emulator = vidapi::emulator::Emulator::start()?;
//! let base = emulator.base_url().to_owned();
//! // `from_env` reads the process environment; `from_vars` any lookup.
//! let accounts = Accounts::from_vars(|name| match name {
//!     "HOURONE_API_KEY" => Some(vidapi::emulator::HOURONE_KEY.to_owned()),
//!     "HOURONE_BASE_URL" => Some(base.clone()),
//!     _ => None,
//! })?;
//! assert_eq!(accounts.providers(), [Provider::HourOne]);
//! assert!(!accounts.hourone.as_ref().unwrap().videos()?.is_empty());
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::accounts::Accounts;
use crate::config::Config;
use crate::error::{Error, Provider, Result};
use crate::{HourOne, Memories, UseApi};

/// useapi.net's token, for MiniMax and PixVerse.
pub const USEAPI_TOKEN: &str = "USEAPI_TOKEN";
/// Hour One's API key.
pub const HOURONE_API_KEY: &str = "HOURONE_API_KEY";
/// memories.ai's API key.
pub const MEMORIES_API_KEY: &str = "MEMORIES_API_KEY";
/// A base URL for the useapi.net client instead of [`UseApi::BASE_URL`].
pub const USEAPI_BASE_URL: &str = "USEAPI_BASE_URL";
/// A base URL for the Hour One client instead of [`HourOne::BASE_URL`].
pub const HOURONE_BASE_URL: &str = "HOURONE_BASE_URL";
/// A base URL for the memories.ai client instead of [`Memories::BASE_URL`].
pub const MEMORIES_BASE_URL: &str = "MEMORIES_BASE_URL";
/// A forward proxy for every request ([`Config::proxy`]).
pub const VIDAPI_PROXY: &str = "VIDAPI_PROXY";
/// `1`, `true`, `yes` or `on` accepts a plain-`http://` base URL on a
/// non-loopback host ([`Config::allow_http`]); `0`, `false`, `no`, `off` or
/// unset refuses it.
pub const VIDAPI_ALLOW_HTTP: &str = "VIDAPI_ALLOW_HTTP";

/// A directory in which clients pace together across processes
/// ([`Config::shared_pacing`]). Unset, each client paces on its own.
pub const VIDAPI_PACE_DIR: &str = "VIDAPI_PACE_DIR";

/// Seconds an attempt may take ([`Config::timeout`]): a number more than 0
/// and at most 86400, fractions allowed (`2.5`). Anything else is
/// [`Error::InvalidArgument`] naming the variable.
pub const VIDAPI_REQUEST_TIMEOUT: &str = "VIDAPI_REQUEST_TIMEOUT";

/// Seconds connecting may take ([`Config::connect_timeout`]), read as
/// [`VIDAPI_REQUEST_TIMEOUT`] is.
pub const VIDAPI_CONNECT_TIMEOUT: &str = "VIDAPI_CONNECT_TIMEOUT";

/// The most seconds [`VIDAPI_REQUEST_TIMEOUT`] and
/// [`VIDAPI_CONNECT_TIMEOUT`] take: one day.
pub const MAX_TIMEOUT_SECONDS: f64 = 86_400.0;

/// Every variable read, for callers that clear or list them.
pub const VARIABLES: [&str; 11] = [
    USEAPI_TOKEN,
    HOURONE_API_KEY,
    MEMORIES_API_KEY,
    USEAPI_BASE_URL,
    HOURONE_BASE_URL,
    MEMORIES_BASE_URL,
    VIDAPI_PROXY,
    VIDAPI_ALLOW_HTTP,
    VIDAPI_PACE_DIR,
    VIDAPI_REQUEST_TIMEOUT,
    VIDAPI_CONNECT_TIMEOUT,
];

/// One client's variables.
struct Vars {
    credential: &'static str,
    base_url: &'static str,
    serves: &'static str,
}

const USEAPI: Vars = Vars {
    credential: USEAPI_TOKEN,
    base_url: USEAPI_BASE_URL,
    serves: "MiniMax and PixVerse need it",
};
const HOURONE: Vars = Vars {
    credential: HOURONE_API_KEY,
    base_url: HOURONE_BASE_URL,
    serves: "Hour One needs it",
};
const MEMORIES: Vars = Vars {
    credential: MEMORIES_API_KEY,
    base_url: MEMORIES_BASE_URL,
    serves: "memories.ai needs it",
};

/// The process environment, as a lookup.
fn process(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// A variable's value, `None` when unset or blank.
fn get(vars: &impl Fn(&str) -> Option<String>, name: &str) -> Option<String> {
    vars(name).filter(|v| !v.trim().is_empty())
}

/// The credential variable a provider's client needs.
pub fn credential_variable(provider: Provider) -> &'static str {
    match provider {
        Provider::MiniMax | Provider::PixVerse => USEAPI_TOKEN,
        Provider::HourOne => HOURONE_API_KEY,
        Provider::Memories => MEMORIES_API_KEY,
    }
}

/// A number of seconds more than 0 and at most
/// [`MAX_TIMEOUT_SECONDS`], fractions allowed: the timeout variables' (and
/// the `vidapi` command's timeout flags') one rule. The error says what is
/// accepted.
pub fn parse_seconds(text: &str) -> std::result::Result<std::time::Duration, String> {
    match text.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v <= MAX_TIMEOUT_SECONDS => {
            Ok(std::time::Duration::from_secs_f64(v))
        }
        _ => Err(format!(
            "{text:?} is not a number of seconds greater than 0 and at most 86400 \
             (fractions allowed, e.g. 0.5)"
        )),
    }
}

/// A timeout variable's value, `None` when unset or blank.
fn seconds(
    vars: &impl Fn(&str) -> Option<String>,
    name: &'static str,
) -> Result<Option<std::time::Duration>> {
    get(vars, name)
        .map(|text| parse_seconds(&text).map_err(|reason| Error::invalid(name, reason)))
        .transpose()
}

/// The settings for one client: its base URL, the proxy, plain http,
/// shared pacing, timeouts.
fn config(vars: &impl Fn(&str) -> Option<String>, which: &Vars, base: &Config) -> Result<Config> {
    let mut config = base.clone();
    if let Some(timeout) = seconds(vars, VIDAPI_REQUEST_TIMEOUT)? {
        config = config.timeout(timeout);
    }
    if let Some(timeout) = seconds(vars, VIDAPI_CONNECT_TIMEOUT)? {
        config = config.connect_timeout(timeout);
    }
    if let Some(dir) = get(vars, VIDAPI_PACE_DIR) {
        config = config.shared_pacing(dir);
    }
    if let Some(url) = get(vars, which.base_url) {
        config = config.base_url(url);
    }
    if let Some(proxy) = get(vars, VIDAPI_PROXY) {
        config = config.proxy(proxy);
    }
    if let Some(allow) = get(vars, VIDAPI_ALLOW_HTTP) {
        let allow = match allow.trim().to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" | "on" => true,
            "0" | "false" | "no" | "off" => false,
            _ => {
                return Err(Error::invalid(
                    "VIDAPI_ALLOW_HTTP",
                    format!("{allow:?} is neither 1 (allow plain http) nor 0"),
                ));
            }
        };
        config = config.allow_http(allow);
    }
    Ok(config)
}

/// A client for `which`, or `None` when its credential is not set.
fn client<T>(
    vars: &impl Fn(&str) -> Option<String>,
    which: &Vars,
    base: &Config,
    make: impl FnOnce(String, Config) -> Result<T>,
) -> Result<Option<T>> {
    let Some(credential) = get(vars, which.credential) else {
        return Ok(None);
    };
    let config = config(vars, which, base)?;
    make(credential, config)
        .map(Some)
        .map_err(|e| plain_http_hint(e, which, vars))
}

/// The client for `which`; its credential not set is
/// [`Error::NotConfigured`] naming the variable.
fn required<T>(
    vars: &impl Fn(&str) -> Option<String>,
    which: &Vars,
    base: &Config,
    make: impl FnOnce(String, Config) -> Result<T>,
) -> Result<T> {
    client(vars, which, base, make)?.ok_or_else(|| Error::NotConfigured {
        variables: vec![which.credential],
        message: format!("{} is not set ({})", which.credential, which.serves),
    })
}

/// A plain-http base URL refused: says which variable holds it and how to
/// allow it from the environment (the library's `Config::allow_http` is
/// out of reach there).
fn plain_http_hint(e: Error, which: &Vars, vars: &impl Fn(&str) -> Option<String>) -> Error {
    match e {
        Error::InvalidArgument { name, reason } if reason.contains("plain http") => {
            let url = get(vars, which.base_url).unwrap_or_default();
            Error::InvalidArgument {
                name,
                reason: format!(
                    "{}={url:?} is plain http, which would send the credential unencrypted; \
                     use https or a loopback host, or set {VIDAPI_ALLOW_HTTP}=1 to allow it",
                    which.base_url
                ),
            }
        }
        other => other,
    }
}

impl Accounts {
    /// Every provider whose credential is set in the process environment,
    /// configured as the module documentation's table says
    /// ([`crate::env`]). None set is [`Error::NotConfigured`]; an unusable
    /// base URL or proxy is [`Error::InvalidArgument`], naming the variable
    /// and, for plain http, [`VIDAPI_ALLOW_HTTP`].
    pub fn from_env() -> Result<Accounts> {
        Self::from_vars(process)
    }

    /// Like [`from_env`](Self::from_env), reading the variables through
    /// `vars` (a name in, its value or `None` out).
    pub fn from_vars(vars: impl Fn(&str) -> Option<String>) -> Result<Accounts> {
        Self::from_vars_with(vars, &Config::new())
    }

    /// Like [`from_env`](Self::from_env), starting every client's settings
    /// from `base` instead of [`Config::new`] (the variables then set what
    /// they name): a [`Config::on_body`] tap, a timeout.
    pub fn from_env_with(base: &Config) -> Result<Accounts> {
        Self::from_vars_with(process, base)
    }

    /// [`from_vars`](Self::from_vars) and [`from_env_with`](Self::from_env_with)
    /// together: the variables read through `vars`, every client starting
    /// from `base`.
    pub fn from_vars_with(
        vars: impl Fn(&str) -> Option<String>,
        base: &Config,
    ) -> Result<Accounts> {
        let accounts = Accounts {
            useapi: client(&vars, &USEAPI, base, UseApi::with_config)?,
            hourone: client(&vars, &HOURONE, base, HourOne::with_config)?,
            memories: client(&vars, &MEMORIES, base, Memories::with_config)?,
        };
        if accounts.providers().is_empty() {
            return Err(Error::NotConfigured {
                variables: vec![USEAPI_TOKEN, HOURONE_API_KEY, MEMORIES_API_KEY],
                message: format!(
                    "no provider is configured: set {USEAPI_TOKEN}, {HOURONE_API_KEY} or \
                     {MEMORIES_API_KEY}"
                ),
            });
        }
        Ok(accounts)
    }

    /// The credential a provider needs, checked: `Ok` when its client is
    /// configured, else [`Error::NotConfigured`] naming that one variable
    /// (`USEAPI_TOKEN` for PixVerse), not every variable.
    pub fn require(&self, provider: Provider) -> Result<()> {
        let configured = match provider {
            Provider::MiniMax | Provider::PixVerse => self.useapi.is_some(),
            Provider::HourOne => self.hourone.is_some(),
            Provider::Memories => self.memories.is_some(),
        };
        if configured {
            return Ok(());
        }
        let which = match provider {
            Provider::MiniMax | Provider::PixVerse => &USEAPI,
            Provider::HourOne => &HOURONE,
            Provider::Memories => &MEMORIES,
        };
        Err(Error::NotConfigured {
            variables: vec![which.credential],
            message: format!("{} is not set ({provider} needs it)", which.credential),
        })
    }
}

impl UseApi {
    /// A client from [`USEAPI_TOKEN`] in the process environment, with
    /// [`USEAPI_BASE_URL`], [`VIDAPI_PROXY`], [`VIDAPI_ALLOW_HTTP`] and the
    /// timeouts ([`VIDAPI_REQUEST_TIMEOUT`], [`VIDAPI_CONNECT_TIMEOUT`]) when
    /// set. The token not set is [`Error::NotConfigured`].
    pub fn from_env() -> Result<UseApi> {
        Self::from_vars(process)
    }

    /// Like [`from_env`](Self::from_env), reading the variables through `vars`.
    pub fn from_vars(vars: impl Fn(&str) -> Option<String>) -> Result<UseApi> {
        required(&vars, &USEAPI, &Config::new(), UseApi::with_config)
    }

    /// Like [`from_env`](Self::from_env), starting from `base` instead of
    /// [`Config::new`] ([`Accounts::from_env_with`]).
    pub fn from_env_with(base: &Config) -> Result<UseApi> {
        required(&process, &USEAPI, base, UseApi::with_config)
    }

    /// The variables read through `vars`, starting from `base`
    /// ([`Accounts::from_vars_with`]).
    pub fn from_vars_with(vars: impl Fn(&str) -> Option<String>, base: &Config) -> Result<UseApi> {
        required(&vars, &USEAPI, base, UseApi::with_config)
    }
}

impl HourOne {
    /// A client from [`HOURONE_API_KEY`] in the process environment, with
    /// [`HOURONE_BASE_URL`], [`VIDAPI_PROXY`], [`VIDAPI_ALLOW_HTTP`] and the
    /// timeouts ([`VIDAPI_REQUEST_TIMEOUT`], [`VIDAPI_CONNECT_TIMEOUT`]) when
    /// set. The key not set is [`Error::NotConfigured`].
    pub fn from_env() -> Result<HourOne> {
        Self::from_vars(process)
    }

    /// Like [`from_env`](Self::from_env), reading the variables through `vars`.
    pub fn from_vars(vars: impl Fn(&str) -> Option<String>) -> Result<HourOne> {
        required(&vars, &HOURONE, &Config::new(), HourOne::with_config)
    }

    /// Like [`from_env`](Self::from_env), starting from `base` instead of
    /// [`Config::new`] ([`Accounts::from_env_with`]).
    pub fn from_env_with(base: &Config) -> Result<HourOne> {
        required(&process, &HOURONE, base, HourOne::with_config)
    }

    /// The variables read through `vars`, starting from `base`
    /// ([`Accounts::from_vars_with`]).
    pub fn from_vars_with(vars: impl Fn(&str) -> Option<String>, base: &Config) -> Result<HourOne> {
        required(&vars, &HOURONE, base, HourOne::with_config)
    }
}

impl Memories {
    /// A client from [`MEMORIES_API_KEY`] in the process environment, with
    /// [`MEMORIES_BASE_URL`], [`VIDAPI_PROXY`], [`VIDAPI_ALLOW_HTTP`] and the
    /// timeouts ([`VIDAPI_REQUEST_TIMEOUT`], [`VIDAPI_CONNECT_TIMEOUT`]) when
    /// set. The key not set is [`Error::NotConfigured`].
    pub fn from_env() -> Result<Memories> {
        Self::from_vars(process)
    }

    /// Like [`from_env`](Self::from_env), reading the variables through `vars`.
    pub fn from_vars(vars: impl Fn(&str) -> Option<String>) -> Result<Memories> {
        required(&vars, &MEMORIES, &Config::new(), Memories::with_config)
    }

    /// Like [`from_env`](Self::from_env), starting from `base` instead of
    /// [`Config::new`] ([`Accounts::from_env_with`]).
    pub fn from_env_with(base: &Config) -> Result<Memories> {
        required(&process, &MEMORIES, base, Memories::with_config)
    }

    /// The variables read through `vars`, starting from `base`
    /// ([`Accounts::from_vars_with`]).
    pub fn from_vars_with(
        vars: impl Fn(&str) -> Option<String>,
        base: &Config,
    ) -> Result<Memories> {
        required(&vars, &MEMORIES, base, Memories::with_config)
    }
}

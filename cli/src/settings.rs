//! Clients configured from the environment.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};

use vidapi::accounts::Accounts;
use vidapi::drift::Finding;
use vidapi::env::{VIDAPI_CONNECT_TIMEOUT, VIDAPI_PACE_DIR, VIDAPI_REQUEST_TIMEOUT};
use vidapi::{Config, HourOne, Memories, UseApi};

use crate::Failure;

// The environment (credentials, base URLs, `VIDAPI_PROXY`,
// `VIDAPI_ALLOW_HTTP`, `VIDAPI_PACE_DIR`, the timeouts) is read by the
// library: `vidapi::env`. The command adds a default for `VIDAPI_PACE_DIR`,
// and its timeout flags stand for their variables.

/// `0`, `false`, `no` or `off` paces within the process only, like
/// `--no-shared-pacing`; `1`, `true`, `yes`, `on` or unset shares.
const VIDAPI_SHARED_PACING: &str = "VIDAPI_SHARED_PACING";

/// Whether pacing is shared with other processes, unless the variable
/// says otherwise (false after `--no-shared-pacing`).
static SHARE_PACING: AtomicBool = AtomicBool::new(true);

/// Sets whether pacing is shared with other processes (the flag's answer).
pub fn share_pacing(share: bool) {
    SHARE_PACING.store(share, Ordering::Relaxed);
}

/// The folder processes pace together in: `VIDAPI_PACE_DIR`, else the
/// user's cache folder; `None` when sharing is off (or there is no home).
fn pace_dir() -> Result<Option<String>, Failure> {
    let set = std::env::var(VIDAPI_SHARED_PACING).unwrap_or_default();
    let share = match set.trim().to_ascii_lowercase().as_str() {
        "" | "1" | "true" | "yes" | "on" => SHARE_PACING.load(Ordering::Relaxed),
        "0" | "false" | "no" | "off" => false,
        _ => {
            return Err(Failure::Usage(format!(
                "{VIDAPI_SHARED_PACING}={set:?} is neither 1 (pace together with other \
                 processes) nor 0 (within this process only)"
            )));
        }
    };
    if !share {
        return Ok(None);
    }
    Ok(std::env::var(VIDAPI_PACE_DIR)
        .ok()
        .filter(|dir| !dir.trim().is_empty())
        .or_else(|| {
            vidapi::pace::default_dir().and_then(|dir| dir.into_os_string().into_string().ok())
        }))
}

/// `--request-timeout` and `--connect-timeout`, in seconds, when given.
static TIMEOUTS: OnceLock<(Option<f64>, Option<f64>)> = OnceLock::new();

/// Sets the timeout flags' values: each given one stands for its variable
/// (`VIDAPI_REQUEST_TIMEOUT`, `VIDAPI_CONNECT_TIMEOUT`), which it overrides.
pub fn timeouts(request: Option<f64>, connect: Option<f64>) {
    let _ = TIMEOUTS.set((request, connect));
}

/// The process environment as the clients read it, with the pacing
/// folder this command chose and the timeouts its flags gave.
fn vars() -> Result<impl Fn(&str) -> Option<String>, Failure> {
    let pace = pace_dir()?;
    let (request, connect) = TIMEOUTS.get().copied().unwrap_or_default();
    Ok(move |name: &str| match name {
        VIDAPI_PACE_DIR => pace.clone(),
        VIDAPI_REQUEST_TIMEOUT if request.is_some() => request.map(|s| s.to_string()),
        VIDAPI_CONNECT_TIMEOUT if connect.is_some() => connect.map(|s| s.to_string()),
        _ => std::env::var(name).ok(),
    })
}

/// The settings every client starts from (`--json`'s and `--save-bodies`'
/// body tap); [`Config::new`] unless [`start_from`] set them.
static BASE: OnceLock<Config> = OnceLock::new();

/// Makes every client of this command start from `config`.
pub fn start_from(config: Config) {
    let _ = BASE.set(config);
}

fn base() -> &'static Config {
    BASE.get_or_init(Config::new)
}

/// Every client made for this command, so that `--drift` can ask each
/// what its responses showed (clones share their record).
static MADE: Mutex<Vec<Made>> = Mutex::new(Vec::new());

enum Made {
    UseApi(UseApi),
    HourOne(HourOne),
    Memories(Memories),
}

fn keep(made: Made) {
    MADE.lock().unwrap_or_else(|e| e.into_inner()).push(made);
}

/// The drift findings of every client made so far.
pub fn drift() -> Vec<Finding> {
    let made = MADE.lock().unwrap_or_else(|e| e.into_inner());
    made.iter()
        .flat_map(|m| match m {
            Made::UseApi(c) => c.drift(),
            Made::HourOne(c) => c.drift(),
            Made::Memories(c) => c.drift(),
        })
        .collect()
}

pub fn useapi() -> Result<UseApi, Failure> {
    let client = UseApi::from_vars_with(vars()?, base())?;
    keep(Made::UseApi(client.clone()));
    Ok(client)
}

pub fn hourone() -> Result<HourOne, Failure> {
    let client = HourOne::from_vars_with(vars()?, base())?;
    keep(Made::HourOne(client.clone()));
    Ok(client)
}

pub fn memories() -> Result<Memories, Failure> {
    let client = Memories::from_vars_with(vars()?, base())?;
    keep(Made::Memories(client.clone()));
    Ok(client)
}

/// Every provider whose credential is set; an error when none is.
pub fn accounts() -> Result<Accounts, Failure> {
    let accounts = Accounts::from_vars_with(vars()?, base())?;
    keep_all(&accounts);
    Ok(accounts)
}

/// The providers configured, for a command about one `provider`: its
/// credential not set is named alone (`USEAPI_TOKEN` for PixVerse), even
/// when no provider at all is configured.
pub fn accounts_for(provider: vidapi::Provider) -> Result<Accounts, Failure> {
    let accounts = match Accounts::from_vars_with(vars()?, base()) {
        Ok(accounts) => accounts,
        Err(vidapi::Error::NotConfigured { .. }) => Accounts::default(),
        Err(e) => return Err(e.into()),
    };
    accounts.require(provider)?;
    keep_all(&accounts);
    Ok(accounts)
}

fn keep_all(accounts: &Accounts) {
    if let Some(c) = &accounts.useapi {
        keep(Made::UseApi(c.clone()));
    }
    if let Some(c) = &accounts.hourone {
        keep(Made::HourOne(c.clone()));
    }
    if let Some(c) = &accounts.memories {
        keep(Made::Memories(c.clone()));
    }
}

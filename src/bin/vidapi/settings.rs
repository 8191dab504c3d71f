//! Clients configured from the environment.

use std::sync::{Mutex, OnceLock};

use vidapi::accounts::Accounts;
use vidapi::drift::Finding;
use vidapi::{Config, HourOne, Memories, UseApi};

use crate::Failure;

// The environment (credentials, base URLs, `VIDAPI_PROXY`,
// `VIDAPI_ALLOW_HTTP`) is read by the library: `vidapi::env`.

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
    let client = UseApi::from_env_with(base())?;
    keep(Made::UseApi(client.clone()));
    Ok(client)
}

pub fn hourone() -> Result<HourOne, Failure> {
    let client = HourOne::from_env_with(base())?;
    keep(Made::HourOne(client.clone()));
    Ok(client)
}

pub fn memories() -> Result<Memories, Failure> {
    let client = Memories::from_env_with(base())?;
    keep(Made::Memories(client.clone()));
    Ok(client)
}

/// Every provider whose credential is set; an error when none is.
pub fn accounts() -> Result<Accounts, Failure> {
    let accounts = Accounts::from_env_with(base())?;
    keep_all(&accounts);
    Ok(accounts)
}

/// The providers configured, for a command about one `provider`: its
/// credential not set is named alone (`USEAPI_TOKEN` for PixVerse), even
/// when no provider at all is configured.
pub fn accounts_for(provider: vidapi::Provider) -> Result<Accounts, Failure> {
    let accounts = match Accounts::from_env_with(base()) {
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

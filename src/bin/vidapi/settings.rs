//! Clients configured from the environment.

use std::sync::Mutex;

use vidapi::accounts::Accounts;
use vidapi::drift::Finding;
use vidapi::{Config, HourOne, Memories, UseApi};

use crate::Failure;

/// One provider's environment variables.
struct Vars {
    credential: &'static str,
    base_url: &'static str,
}

const USEAPI: Vars = Vars {
    credential: "USEAPI_TOKEN",
    base_url: "USEAPI_BASE_URL",
};
const HOURONE: Vars = Vars {
    credential: "HOURONE_API_KEY",
    base_url: "HOURONE_BASE_URL",
};
const MEMORIES: Vars = Vars {
    credential: "MEMORIES_API_KEY",
    base_url: "MEMORIES_BASE_URL",
};

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn config(vars: &Vars) -> Config {
    let mut config = Config::new();
    if let Some(url) = var(vars.base_url) {
        config = config.base_url(url);
    }
    if let Some(proxy) = var("VIDAPI_PROXY") {
        config = config.proxy(proxy);
    }
    config
}

/// The credential, or `None` when its variable is unset or blank.
fn credential(vars: &Vars) -> Option<String> {
    var(vars.credential)
}

fn missing(vars: &Vars) -> Failure {
    Failure::Usage(format!("{} is not set", vars.credential))
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
    let token = credential(&USEAPI).ok_or_else(|| missing(&USEAPI))?;
    let client = UseApi::with_config(token, config(&USEAPI))?;
    keep(Made::UseApi(client.clone()));
    Ok(client)
}

pub fn hourone() -> Result<HourOne, Failure> {
    let key = credential(&HOURONE).ok_or_else(|| missing(&HOURONE))?;
    let client = HourOne::with_config(key, config(&HOURONE))?;
    keep(Made::HourOne(client.clone()));
    Ok(client)
}

pub fn memories() -> Result<Memories, Failure> {
    let key = credential(&MEMORIES).ok_or_else(|| missing(&MEMORIES))?;
    let client = Memories::with_config(key, config(&MEMORIES))?;
    keep(Made::Memories(client.clone()));
    Ok(client)
}

/// Every provider whose credential is set; an error when none is.
pub fn accounts() -> Result<Accounts, Failure> {
    let accounts = Accounts {
        useapi: credential(&USEAPI).map(|_| useapi()).transpose()?,
        hourone: credential(&HOURONE).map(|_| hourone()).transpose()?,
        memories: credential(&MEMORIES).map(|_| memories()).transpose()?,
    };
    if accounts.providers().is_empty() {
        return Err(Failure::Usage(
            "no provider is configured: set USEAPI_TOKEN, HOURONE_API_KEY or MEMORIES_API_KEY"
                .into(),
        ));
    }
    Ok(accounts)
}

//! Clients configured from the environment.

use vidapi::view::Accounts;
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

pub fn useapi() -> Result<UseApi, Failure> {
    let token = credential(&USEAPI).ok_or_else(|| missing(&USEAPI))?;
    Ok(UseApi::with_config(token, config(&USEAPI))?)
}

pub fn hourone() -> Result<HourOne, Failure> {
    let key = credential(&HOURONE).ok_or_else(|| missing(&HOURONE))?;
    Ok(HourOne::with_config(key, config(&HOURONE))?)
}

pub fn memories() -> Result<Memories, Failure> {
    let key = credential(&MEMORIES).ok_or_else(|| missing(&MEMORIES))?;
    Ok(Memories::with_config(key, config(&MEMORIES))?)
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

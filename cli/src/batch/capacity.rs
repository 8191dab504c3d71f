//! Free capacity: the sum of `available` over a provider's accounts, read
//! from `scheduler/available`.

use std::collections::HashMap;

use vidapi::{Provider, UseApi};

use super::HOURONE_SLOTS;

/// A provider's free capacity from one `scheduler/available` read: the
/// sum of `available` over its accounts, and each account's own.
#[derive(Debug, Default)]
pub(super) struct Capacity {
    pub(super) total: i64,
    pub(super) accounts: HashMap<String, i64>,
}

impl Capacity {
    /// The free slots left for a job on `account` (`None`: any account).
    pub(super) fn slots(&mut self, account: Option<&str>) -> &mut i64 {
        match account {
            None => &mut self.total,
            // An account the scheduler does not list: one at a time (its
            // create says what is wrong with it).
            Some(a) => self.accounts.entry(a.to_owned()).or_insert(1),
        }
    }
}

pub(super) fn free_slots(useapi: Option<&UseApi>, provider: Provider) -> vidapi::Result<Capacity> {
    let listed: Vec<(Option<String>, i64)> = match (useapi, provider) {
        (Some(useapi), Provider::MiniMax) => {
            let a = useapi.minimax().scheduler_available()?.available;
            a.unwrap_or_default()
                .iter()
                .map(|a| {
                    (
                        a.account
                            .as_ref()
                            .and_then(|t| t.non_empty())
                            .map(str::to_owned),
                        a.free().unwrap_or(0),
                    )
                })
                .collect()
        }
        (Some(useapi), Provider::PixVerse) => {
            let a = useapi.pixverse().scheduler_available()?.available;
            a.unwrap_or_default()
                .iter()
                .map(|a| {
                    (
                        a.email
                            .as_ref()
                            .and_then(|t| t.non_empty())
                            .map(str::to_owned),
                        a.free().unwrap_or(0),
                    )
                })
                .collect()
        }
        _ => {
            return Ok(Capacity {
                total: HOURONE_SLOTS,
                ..Capacity::default()
            });
        }
    };
    if listed.is_empty() {
        // No account listed: useapi.net places the job itself; one at a time.
        return Ok(Capacity {
            total: 1,
            ..Capacity::default()
        });
    }
    let mut capacity = Capacity::default();
    for (account, free) in listed {
        capacity.total += free.max(0);
        if let Some(account) = account {
            capacity.accounts.insert(account, free.max(0));
        }
    }
    Ok(capacity)
}
